/**
 * A fresh PostgreSQL database per test (see store/postgres-databases.ts),
 * plus a way to run a statement on it, for tests that act on the database
 * from outside Herald (terminating its connections, checking its rows).
 */
import pg from "pg";
import { createDatabase, type TestDatabase as Db, TEST_DATABASE_URL } from "../store/postgres-databases.js";

/** The PostgreSQL server the tests use, or "" when there is none. */
export const PG_URL = TEST_DATABASE_URL ?? "";
export const PG_SKIP =
  TEST_DATABASE_URL === undefined ? "HERALD_TEST_DATABASE_URL is not set: PostgreSQL tests did not run" : false;

export interface TestDatabase extends Db {
  /** Runs one statement on the database over a connection of its own. */
  query(sql: string, params?: unknown[]): Promise<pg.QueryResult>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  if (TEST_DATABASE_URL === undefined) throw new Error(String(PG_SKIP));
  const db = await createDatabase(TEST_DATABASE_URL);
  return {
    ...db,
    async query(sql, params) {
      const c = new pg.Client({ connectionString: db.url });
      await c.connect();
      try {
        return await c.query(sql, params);
      } finally {
        await c.end();
      }
    },
  };
}
