import { ID_PREFIX, newId } from "./ids.js";
import type { Delivery, HeraldEvent } from "./types.js";

/**
 * A delivery as ingest creates it: pending, no attempt yet, due at the
 * event's time — or, when written already leased to a local worker, at the
 * end of that lease (a leased row's due time is its lease expiry).
 */
export function newDelivery(
  event: HeraldEvent,
  endpointId: string,
  maxAttempts: number,
  leaseMs: number | null,
): Delivery {
  return {
    id: newId(ID_PREFIX.delivery),
    accountId: event.accountId,
    mode: event.mode,
    eventId: event.id,
    eventType: event.type,
    endpointId,
    status: "pending",
    attemptCount: 0,
    maxAttempts,
    nextAttemptAt: leaseMs === null ? event.created : event.created + leaseMs,
    nextTrigger: "scheduled",
    lastResponseStatus: null,
    created: event.created,
    updated: event.created,
  };
}
