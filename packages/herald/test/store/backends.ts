/**
 * The store backends every contract test runs against. Each call of
 * `open()` gives a fresh, empty store of its own (a new SQLite file).
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openSqliteStore } from "../../src/store/sqlite/sqlite-store.js";
import type { Store } from "../../src/store/store.js";

export interface Backend {
  name: string;
  /** Why this backend cannot run here, or null. */
  skip: string | null;
  open(): Promise<Store>;
}

export const backends: Backend[] = [
  {
    name: "sqlite",
    skip: null,
    open: () => openSqliteStore(join(mkdtempSync(join(tmpdir(), "herald-store-")), "herald.db")),
  },
];
