import { conflict } from "../../domain/errors.js";
import { endpointWants } from "../../domain/event-types.js";
import { newDelivery } from "../../domain/new-delivery.js";
import type { Delivery, Endpoint } from "../../domain/types.js";
import type { ClaimedDelivery, IngestInput, IngestResult } from "../store.js";
import { PARKED_AT, toDelivery, toEndpoint, toEvent } from "./rows.js";
import type { Statements } from "./statements.js";
import type { SubscriberCache } from "./subscribers.js";

const DELIVERY_COLUMNS =
  "id, account_id, mode, event_id, event_type, endpoint_id, status, attempt_count, max_attempts, next_attempt_at, next_trigger, lease_token, created, updated";
/**
 * One INSERT for all of an event's deliveries (at most 20: the endpoints of
 * a scope). Its text depends only on the row count, so the statement cache
 * holds at most 20 of them.
 */
const deliveryInsert = (rows: number) =>
  `INSERT INTO deliveries (${DELIVERY_COLUMNS}) VALUES ${Array(rows).fill("(?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?, 'scheduled', ?, ?, ?)").join(", ")}`;

/**
 * One event and its deliveries (the outbox), run inside the group commit's
 * transaction: either both are on disk or neither is.
 */
export function ingestOne(
  st: Statements,
  subscribers: SubscriberCache,
  input: IngestInput,
  leaseToken: () => string | null,
): IngestResult {
  const { event } = input;
  // The insert is the existence check: a repeated id changes nothing, and
  // only then is the stored event read (a first-time id costs one statement).
  const inserted = st.run(
    "INSERT INTO events (id, account_id, mode, type, created, body) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
    event.id,
    event.accountId,
    event.mode,
    event.type,
    event.created,
    event.body,
  ).changes;
  if (inserted === 0) {
    const existing = st.get("SELECT * FROM events WHERE id = ?", event.id);
    if (existing === undefined || existing.account_id !== event.accountId || existing.mode !== event.mode) {
      throw conflict("event_id_taken", `The event id ${event.id} is already in use.`, "id");
    }
    const deliveries = st.all("SELECT * FROM deliveries WHERE event_id = ? ORDER BY seq", event.id).map(toDelivery);
    return { event: toEvent(existing), duplicate: true, deliveries, claimed: [] };
  }

  const targets = subscribedEndpoints(st, subscribers, input);
  if (targets.length === 0) return { event, duplicate: false, deliveries: [], claimed: [] };
  const token = leaseToken();
  const leased = input.leaseTo?.leaseMs ?? 0;
  const deliveries: Delivery[] = [];
  const claimed: ClaimedDelivery[] = [];
  const values: unknown[] = [];
  for (const endpoint of targets) {
    // A local worker whose lane for this endpoint is full declines it: the
    // delivery is written parked, unleased, and the worker takes it back
    // (claimParked) when the lane has room (see parking.ts).
    const declined = token !== null && !(input.leaseTo?.accepts?.(endpoint.id) ?? true);
    const lease = token !== null && !declined ? token : null;
    const d = newDelivery(event, endpoint.id, input.maxAttempts, lease === null ? null : leased);
    values.push(
      d.id,
      d.accountId,
      d.mode,
      d.eventId,
      d.eventType,
      d.endpointId,
      d.maxAttempts,
      declined ? PARKED_AT : d.nextAttemptAt,
      lease,
      d.created,
      d.updated,
    );
    deliveries.push(d);
    if (lease !== null) claimed.push({ delivery: d, leaseToken: lease, endpoint, body: event.body });
  }
  st.run(deliveryInsert(deliveries.length), ...values);
  return { event, duplicate: false, deliveries, claimed };
}

function subscribedEndpoints(st: Statements, subscribers: SubscriberCache, input: IngestInput): readonly Endpoint[] {
  const { event } = input;
  if (input.onlyEndpointId !== undefined) {
    const r = st.get(
      "SELECT * FROM endpoints WHERE id = ? AND account_id = ? AND mode = ? AND status = 'enabled' AND deleted_at IS NULL",
      input.onlyEndpointId,
      event.accountId,
      event.mode,
    );
    return r === undefined ? [] : [toEndpoint(r)];
  }
  return subscribers.enabled(st, event.accountId, event.mode).filter((e) => endpointWants(e.enabledEvents, event.type));
}
