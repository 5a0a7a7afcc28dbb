import { conflict } from "../../domain/errors.js";
import { endpointWants } from "../../domain/event-types.js";
import { newDelivery } from "../../domain/new-delivery.js";
import type { Delivery, Endpoint } from "../../domain/types.js";
import type { ClaimedDelivery, IngestInput, IngestResult } from "../store.js";
import { type Row, toDelivery, toEndpoint, toEvent } from "./rows.js";
import type { Statements } from "./statements.js";

/**
 * One event and its deliveries (the outbox), run inside the group commit's
 * transaction: either both are on disk or neither is.
 */
export function ingestOne(st: Statements, input: IngestInput, leaseToken: () => string | null): IngestResult {
  const { event } = input;
  const existing = st.get("SELECT * FROM events WHERE id = ?", event.id);
  if (existing !== undefined) {
    if (existing.account_id !== event.accountId || existing.mode !== event.mode) {
      throw conflict("event_id_taken", `The event id ${event.id} is already in use.`, "id");
    }
    const deliveries = st.all("SELECT * FROM deliveries WHERE event_id = ? ORDER BY seq", event.id).map(toDelivery);
    return { event: toEvent(existing), duplicate: true, deliveries, claimed: [] };
  }
  st.run(
    "INSERT INTO events (id, account_id, mode, type, created, body) VALUES (?, ?, ?, ?, ?, ?)",
    event.id,
    event.accountId,
    event.mode,
    event.type,
    event.created,
    event.body,
  );

  const targets = subscribedEndpoints(st, input);
  const token = targets.length > 0 ? leaseToken() : null;
  const leased = input.leaseTo?.leaseMs ?? 0;
  const deliveries: Delivery[] = [];
  const claimed: ClaimedDelivery[] = [];
  for (const endpoint of targets) {
    // A local worker whose lane for this endpoint is full declines it: the
    // delivery is written due now, unleased, and claimed when there is room.
    const lease = token !== null && (input.leaseTo?.accepts?.(endpoint.id) ?? true) ? token : null;
    const d = newDelivery(event, endpoint.id, input.maxAttempts, lease === null ? null : leased);
    st.run(
      `INSERT INTO deliveries (id, account_id, mode, event_id, event_type, endpoint_id, status, attempt_count, max_attempts,
         next_attempt_at, next_trigger, lease_token, created, updated)
       VALUES (?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?, 'scheduled', ?, ?, ?)`,
      d.id,
      d.accountId,
      d.mode,
      d.eventId,
      d.eventType,
      d.endpointId,
      d.maxAttempts,
      d.nextAttemptAt,
      lease,
      d.created,
      d.updated,
    );
    deliveries.push(d);
    if (lease !== null) claimed.push({ delivery: d, leaseToken: lease, endpoint, body: event.body });
  }
  return { event, duplicate: false, deliveries, claimed };
}

function subscribedEndpoints(st: Statements, input: IngestInput): Endpoint[] {
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
  const rows = st.all(
    "SELECT * FROM endpoints WHERE account_id = ? AND mode = ? AND status = 'enabled' AND deleted_at IS NULL ORDER BY seq",
    event.accountId,
    event.mode,
  );
  return rows
    .filter((r: Row) => endpointWants(JSON.parse(r.enabled_events as string) as string[], event.type))
    .map(toEndpoint);
}
