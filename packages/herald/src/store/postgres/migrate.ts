import type { Pool } from "pg";
import { MIGRATE_LOCK } from "./locks.js";
import { MIGRATIONS } from "./migrations.js";
import { withTransaction } from "./transaction.js";

/**
 * Applies the pending migrations in one transaction that holds an advisory
 * lock: when several processes start at once on a fresh database, one
 * creates the schema and the others wait, then find nothing left to do.
 * DDL is transactional in PostgreSQL, so a failed migration leaves nothing
 * half-applied.
 */
export async function migrate(pool: Pool): Promise<void> {
  await withTransaction(pool, async (client) => {
    await client.query("SELECT pg_advisory_xact_lock($1)", [MIGRATE_LOCK]);
    await client.query(
      "CREATE TABLE IF NOT EXISTS herald_migrations (id INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)",
    );
    const done = Number((await client.query("SELECT coalesce(max(id), 0) AS n FROM herald_migrations")).rows[0]?.n);
    for (let i = done; i < MIGRATIONS.length; i++) {
      await client.query(MIGRATIONS[i] as string);
      await client.query("INSERT INTO herald_migrations (id, applied_at) VALUES ($1, $2)", [i + 1, Date.now()]);
    }
  });
}
