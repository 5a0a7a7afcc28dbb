/**
 * Emitting an event, for every route that does (operator and account
 * POST /v1/events, POST /v1/webhooks/:id/test): check the type, fix the JSON
 * once, store it with its deliveries in one transaction, then hand the
 * deliveries this process already holds to the local engine.
 */
import { ID_PREFIX, newId } from "../domain/ids.js";
import type { HeraldEvent, Mode } from "../domain/types.js";
import type { ApiDeps } from "./deps.js";
import { BUILTIN_NAMES, loadCatalogue, requireKnownType } from "./event-catalogue.js";
import { seconds } from "./serialize.js";

export interface EmitInput {
  accountId: string;
  mode: Mode;
  type: string;
  /** `{object: {...}, previous_attributes?: {...}}`, as the emitter sent it. */
  data: Record<string, unknown>;
  /** The emitter's own id; a seen id returns the stored event and sends nothing. Default: a new `evt_` id. */
  id?: string | undefined;
  /** Send to this endpoint only (the test route). */
  onlyEndpointId?: string;
}

export async function emitEvent(deps: ApiDeps, input: EmitInput): Promise<HeraldEvent> {
  // A built-in type needs no read of the operator's additions: on PostgreSQL
  // that read was a round trip per event.
  if (!BUILTIN_NAMES.has(input.type)) requireKnownType(await loadCatalogue(deps.store), input.type);
  const id = input.id ?? newId(ID_PREFIX.event);
  const created = Date.now();
  // Serialised here and never again: these bytes are what every endpoint
  // receives and signs over, and what GET /v1/events answers.
  const body = JSON.stringify({
    id,
    object: "event",
    type: input.type,
    created: seconds(created),
    livemode: input.mode === "live",
    data: input.data,
  });
  const result = await deps.store.ingestEvent({
    event: { id, accountId: input.accountId, mode: input.mode, type: input.type, created, body },
    maxAttempts: deps.maxAttempts,
    ...(input.onlyEndpointId === undefined ? {} : { onlyEndpointId: input.onlyEndpointId }),
    ...(deps.delivery === undefined ? {} : { leaseTo: deps.delivery.leaseTo }),
  });
  if (deps.delivery !== undefined && result.claimed.length > 0) deps.delivery.accept(result.claimed);
  if (!result.duplicate) deps.metrics?.eventIngested(input.mode);
  return result.event;
}
