import type { Statements } from "./statements.js";

/**
 * `next_attempt_at` of a parked delivery: pending, but not due until its
 * endpoint has room. Far beyond any real time, so the claim's range scan
 * (`next_attempt_at <= now`) never reaches it, and equal for every parked
 * row, so one endpoint's parked rows sit together in `deliveries_due`
 * (ordered by next_attempt_at, then rowid: oldest first).
 *
 * Why park: an endpoint that hangs or is rate-limited while events keep
 * coming would otherwise pile its deliveries up at the head of the due
 * queue. Every claim then skipped them (bounded to a window of the oldest
 * rows), costing 7 ms a claim at 60,000 such rows, and other endpoints'
 * retries waiting behind the window were not claimed at all: one slow
 * endpoint delayed another's deliveries (benchmark S3).
 */
export const PARKED_AT = Number.MAX_SAFE_INTEGER;

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
