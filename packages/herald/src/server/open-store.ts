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
    const sqlite = await openSqliteStore(join(config.dataDir, "herald.db"), {
      onCheckpointError: oncePerMinute((message, suppressed) =>
        logger.error(
          { err: message, suppressed },
          "WAL checkpoint failed on its thread: the WAL grows until one succeeds (if the thread died, SQLite's own checkpoints take over)",
        ),
      ),
    });
    const freed = sqlite.releaseAllLeases(now);
    if (freed > 0) logger.info({ count: freed }, "took back deliveries leased by a previous run");
    return { store: sqlite, release: unlock };
  } catch (err) {
    unlock();
    throw err;
  }
}

/** A failing checkpoint fails every 250 ms: log the first, then at most one line a minute with the count left out. */
function oncePerMinute(log: (message: string, suppressed: number) => void): (message: string) => void {
  let last = Number.NEGATIVE_INFINITY;
  let suppressed = 0;
  return (message) => {
    const t = Date.now();
    if (t - last < 60_000) {
      suppressed++;
      return;
    }
    log(message, suppressed);
    last = t;
    suppressed = 0;
  };
}
