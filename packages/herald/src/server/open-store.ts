/**
 * Picks the backend from the configuration: PostgreSQL when a database URL
 * is given (many processes may share it), else the embedded SQLite file in
 * the data dir (one process, guarded by a pid file).
 */
import { join } from "node:path";
import type { Logger } from "pino";
import type { HeraldConfig } from "../config/config.js";
import { openPostgresStore } from "../store/postgres/postgres-store.js";
import { openSqliteStore } from "../store/sqlite/sqlite-store.js";
import type { Store } from "../store/store.js";
import { lockDataDir } from "./data-dir-lock.js";

export async function openStore(
  config: HeraldConfig,
  logger: Logger,
  now: number,
): Promise<{ store: Store; release: () => void }> {
  if (config.databaseUrl !== null) {
    return { store: await openPostgresStore(config.databaseUrl), release: () => {} };
  }
  const unlock = lockDataDir(config.dataDir);
  try {
    const sqlite = await openSqliteStore(join(config.dataDir, "herald.db"));
    const freed = sqlite.releaseAllLeases(now);
    if (freed > 0) logger.info({ count: freed }, "took back deliveries leased by a previous run");
    return { store: sqlite, release: unlock };
  } catch (err) {
    unlock();
    throw err;
  }
}
