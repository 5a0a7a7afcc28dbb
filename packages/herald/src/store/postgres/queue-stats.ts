/**
 * Read-only queue statistics for metrics, run on scrape (not on the hot path).
 * A leased row's next_attempt_at is its lease expiry, so in-flight deliveries
 * are not "due" until their lease has run out. `::float8` because pg returns
 * bigint as a string.
 */
export const OLDEST_DUE_SQL =
  "SELECT min(next_attempt_at)::float8 AS at FROM deliveries WHERE status = 'pending' AND next_attempt_at <= $1";
