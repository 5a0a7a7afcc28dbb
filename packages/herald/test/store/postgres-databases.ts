/**
 * Fresh PostgreSQL databases for tests: each one is created empty and
 * dropped (with its connections) when the test is done, so no two tests
 * ever share state.
 */
import { randomBytes } from "node:crypto";
import { Client } from "pg";

/** The server the PostgreSQL tests use (a database on it to connect to first), or undefined to skip them. */
export const TEST_DATABASE_URL = process.env.HERALD_TEST_DATABASE_URL || undefined;

export interface TestDatabase {
  name: string;
  url: string;
  /** Drops the database, ending whatever connections are still open on it. */
  drop(): Promise<void>;
}

export async function createDatabase(serverUrl: string): Promise<TestDatabase> {
  const name = `herald_test_${randomBytes(6).toString("hex")}`;
  await admin(serverUrl, `CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  let dropped: Promise<void> | null = null;
  return {
    name,
    url: url.toString(),
    drop: () => {
      dropped ??= admin(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      return dropped;
    },
  };
}

async function admin(serverUrl: string, sql: string): Promise<void> {
  const client = new Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
