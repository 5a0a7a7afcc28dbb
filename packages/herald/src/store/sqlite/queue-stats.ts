/**
 * Read-only queue statistics for metrics, run on scrape (not on the hot path).
 * `deliveries_due` (a partial index on pending rows) answers it without a scan.
 */
export const OLDEST_DUE_SQL = `SELECT NULLIF(MIN(
    COALESCE((SELECT MIN(next_attempt_at) FROM deliveries WHERE status = 'pending' AND next_attempt_at <= @now), @parked),
    -- A parked delivery (parking.ts) has been due since it was created; the
    -- oldest is the first of the parked run in the index.
    COALESCE((SELECT created FROM deliveries WHERE status = 'pending' AND next_attempt_at = @parked
      ORDER BY next_attempt_at, seq LIMIT 1), @parked)), @parked) AS at`;
