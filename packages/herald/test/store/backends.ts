/**
 * The store backends every contract test runs against. Each call of
 * `open()` gives a fresh, empty store of its own (a new SQLite file, a new
 * PostgreSQL database), removed again when the store is closed.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openPostgresStore } from "../../src/store/postgres/postgres-store.js";
import { openSqliteStore } from "../../src/store/sqlite/sqlite-store.js";
import type { Store } from "../../src/store/store.js";
import { createDatabase, TEST_DATABASE_URL } from "./postgres-databases.js";

export interface Backend {
  name: string;
  /** Why this backend cannot run here, or null. */
  skip: string | null;
  open(): Promise<Store>;
  /**
   * Opens `n` stores on one fresh database, as `n` processes would (all at
   * once, so their migrations race). Only backends that several processes
   * may share have it. Closing the group closes every store and drops the
   * database.
   */
  openMany?(n: number): Promise<{ stores: Store[]; close(): Promise<void> }>;
}

/** Small pools: test files run in parallel against one server (max_connections 100 by default). */
const PG_OPTIONS = { poolSize: 4 };

export const backends: Backend[] = [
  {
    name: "sqlite",
    skip: null,
    async open() {
      const dir = mkdtempSync(join(tmpdir(), "herald-store-"));
      const store = await openSqliteStore(join(dir, "herald.db"));
      return afterClose(store, async () => rmSync(dir, { recursive: true, force: true }));
    },
  },
  {
    name: "postgres",
    skip: TEST_DATABASE_URL === undefined ? "HERALD_TEST_DATABASE_URL is not set: PostgreSQL tests did not run" : null,
    async open() {
      const db = await createDatabase(TEST_DATABASE_URL as string);
      try {
        return afterClose(await openPostgresStore(db.url, PG_OPTIONS), db.drop);
      } catch (error) {
        await db.drop();
        throw error;
      }
    },
    async openMany(n) {
      const db = await createDatabase(TEST_DATABASE_URL as string);
      const opened = await Promise.allSettled(Array.from({ length: n }, () => openPostgresStore(db.url, PG_OPTIONS)));
      const stores = opened.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
      const close = async () => {
        await Promise.all(stores.map((s) => s.close()));
        await db.drop();
      };
      const failed = opened.find((r) => r.status === "rejected");
      if (failed !== undefined) {
        await close();
        throw failed.reason;
      }
      return { stores, close };
    },
  },
];

/** Runs `cleanup` once the store has closed; closing twice is harmless. */
function afterClose(store: Store, cleanup: () => Promise<void>): Store {
  const close = store.close.bind(store);
  let closing: Promise<void> | null = null;
  store.close = () => {
    closing ??= close().finally(cleanup);
    return closing;
  };
  return store;
}
