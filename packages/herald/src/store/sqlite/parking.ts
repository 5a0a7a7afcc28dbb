/**
 * Parking (see PARKED_AT in ../rows.ts for the why): an endpoint's
 * declined deliveries wait outside the due range until its lane has room.
 */
import { PARKED_AT } from "./rows.js";
import type { Statements } from "./statements.js";

/** Leases up to `limit` of an endpoint's parked deliveries, oldest first. */
export function claimParkedRows(
  st: Statements,
  o: { endpointId: string; limit: number; now: number; leaseMs: number; token: string },
): Record<string, unknown>[] {
  return st.all(
    `UPDATE deliveries SET next_attempt_at = @until, lease_token = @token, updated = @now
     WHERE seq IN (
       SELECT seq FROM deliveries
       WHERE status = 'pending' AND next_attempt_at = @parked AND endpoint_id = @endpoint
       ORDER BY next_attempt_at, seq LIMIT @limit)
     RETURNING *`,
    {
      until: o.now + o.leaseMs,
      token: o.token,
      now: o.now,
      parked: PARKED_AT,
      endpoint: o.endpointId,
      limit: o.limit,
    },
  );
}

/** Makes every parked delivery due now (start-up: no process is holding them back any more). */
export function unparkAll(st: Statements, now: number): number {
  return st.run(
    "UPDATE deliveries SET next_attempt_at = ? WHERE status = 'pending' AND next_attempt_at = ?",
    now,
    PARKED_AT,
  ).changes;
}
