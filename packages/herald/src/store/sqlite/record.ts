import type { Delivery, Endpoint } from "../../domain/types.js";
import type { DeliveryOutcome, HealthPolicy, RecordResult } from "../store.js";
import { cancelPending } from "./cancel-pending.js";
import { toDelivery, toEndpoint } from "./rows.js";
import type { Statements } from "./statements.js";

/**
 * Writes a batch of attempt outcomes inside one transaction: each attempt
 * row, the delivery's new state (only where the lease is still this
 * worker's), and the endpoint's health (410 and auto-disable).
 */
export function recordBatch(
  st: Statements,
  outcomes: readonly DeliveryOutcome[],
  policy: HealthPolicy,
  now: number,
): RecordResult {
  const applied: string[] = [];
  const exhausted: Delivery[] = [];
  const disabled = new Map<string, Endpoint>();
  for (const o of outcomes) {
    const row = st.get("SELECT status, lease_token FROM deliveries WHERE id = ?", o.deliveryId);
    if (row === undefined) continue;
    const a = o.attempt;
    st.run(
      `INSERT INTO attempts (id, delivery_id, attempted_at, duration_ms, response_status, response_body, response_headers, error, trigger)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      a.id,
      o.deliveryId,
      a.attemptedAt,
      a.durationMs,
      a.responseStatus,
      a.responseBody,
      a.responseHeaders === null ? null : JSON.stringify(a.responseHeaders),
      a.error,
      a.trigger,
    );
    // The attempt happened whoever holds the lease now, so it always counts.
    const owned = row.status === "pending" && row.lease_token === o.leaseToken;
    if (owned) {
      const r = o.result;
      const status = r.kind === "retry" ? "pending" : r.kind;
      const next = r.kind === "retry" ? r.nextAttemptAt : null;
      const updated = st.all(
        `UPDATE deliveries SET attempt_count = attempt_count + 1, last_response_status = ?, status = ?, next_attempt_at = ?,
           next_trigger = 'retry', lease_token = NULL, updated = ?
         WHERE id = ? RETURNING *`,
        a.responseStatus,
        status,
        next,
        now,
        o.deliveryId,
      );
      applied.push(o.deliveryId);
      const d = updated[0];
      if (r.kind === "failed" && d !== undefined) exhausted.push(toDelivery(d));
    } else {
      st.run(
        "UPDATE deliveries SET attempt_count = attempt_count + 1, last_response_status = ?, updated = ? WHERE id = ?",
        a.responseStatus,
        now,
        o.deliveryId,
      );
    }
    const e = updateHealth(st, o, policy, now);
    if (e !== null) disabled.set(e.id, e);
  }
  return { applied, exhausted, disabledEndpoints: [...disabled.values()] };
}

/** Success resets the failure run; a failure extends it and may disable the endpoint. */
function updateHealth(st: Statements, o: DeliveryOutcome, policy: HealthPolicy, now: number): Endpoint | null {
  if (o.result.kind === "succeeded") {
    st.run(
      "UPDATE endpoints SET consecutive_failures = 0, failing_since = NULL WHERE id = ? AND consecutive_failures > 0",
      o.endpointId,
    );
    return null;
  }
  const r = st.get(
    `UPDATE endpoints SET consecutive_failures = consecutive_failures + 1, failing_since = COALESCE(failing_since, ?)
     WHERE id = ? RETURNING *`,
    o.attempt.attemptedAt,
    o.endpointId,
  );
  if (r === undefined || r.status !== "enabled" || r.deleted_at !== null) return null;
  let reason: string | null = null;
  if (o.gone) reason = "gone";
  else if (
    Number(r.consecutive_failures) >= policy.minConsecutiveFailures &&
    now - Number(r.failing_since) >= policy.failingForMs
  ) {
    reason = "failing";
  }
  if (reason === null) return null;
  const d = st.get(
    "UPDATE endpoints SET status = 'disabled', disabled_reason = ?, updated = ? WHERE id = ? RETURNING *",
    reason,
    now,
    o.endpointId,
  );
  cancelPending(st, o.endpointId, now);
  return d === undefined ? null : toEndpoint(d);
}
