import type { Pool } from "pg";
import { PRUNE_DASHBOARD_TOKENS_SQL } from "./dashboard-tokens.js";
import { PRUNE_LOCK } from "./locks.js";
import { withTransaction } from "./transaction.js";

const IDEMPOTENCY_TTL_MS = 24 * 3600 * 1000;

/**
 * One batch of retention, as the SQLite adapter does it: the oldest events
 * created before `before` that have no pending delivery go, with their
 * deliveries and attempts, in one statement; then idempotency records
 * older than 24 h. One process prunes at a time: the others find the
 * advisory lock taken and return 0 at once instead of deleting the same
 * rows in parallel.
 */
export async function pruneBatch(pool: Pool, before: number, batchSize: number): Promise<number> {
  return withTransaction(pool, async (c) => {
    const got = (await c.query("SELECT pg_try_advisory_xact_lock($1) AS got", [PRUNE_LOCK])).rows[0]?.got;
    if (got !== true) return 0;
    const deleted = await c.query(
      `WITH victims AS (
         SELECT e.id FROM events e
         WHERE e.created < $1
           AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.event_id = e.id AND d.status = 'pending')
         ORDER BY e.created
         LIMIT $2
       ), gone_attempts AS (
         DELETE FROM attempts a USING deliveries d
         WHERE a.delivery_id = d.id AND d.event_id IN (SELECT id FROM victims)
       ), gone_deliveries AS (
         DELETE FROM deliveries d WHERE d.event_id IN (SELECT id FROM victims)
       )
       DELETE FROM events e WHERE e.id IN (SELECT id FROM victims)`,
      [before, batchSize],
    );
    await c.query("DELETE FROM idempotency_keys WHERE created < $1", [Date.now() - IDEMPOTENCY_TTL_MS]);
    await c.query(PRUNE_DASHBOARD_TOKENS_SQL, [Date.now()]);
    return deleted.rowCount ?? 0;
  });
}
