/**
 * The checkpoint thread reports its failures, and when it dies the
 * connection goes back to SQLite's own checkpoints, so the WAL cannot grow
 * without bound; stopping it afterwards returns (it used to wait forever for
 * an exit that had already happened, and a store's close with it). The
 * failure is real: the thread opens the database by its path, and the
 * directory was renamed after the server's connection opened.
 */
import assert from "node:assert/strict";
import { mkdtempSync, renameSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import BetterSqlite3 from "better-sqlite3";
import { Checkpointer } from "../../src/store/sqlite/checkpointer.js";
import { eventually } from "../helpers/live-server.js";

test("a checkpoint thread that cannot open the database reports it, hands checkpoints back to SQLite, and stops", async () => {
  const dir = mkdtempSync(join(tmpdir(), "herald-ckpt-"));
  const db = new BetterSqlite3(join(dir, "herald.db"));
  db.pragma("journal_mode = WAL");
  db.exec("CREATE TABLE t (x INTEGER)");
  // The open connection keeps its file; a new one by the old path finds no directory.
  renameSync(dir, `${dir}-moved`);
  const errors: string[] = [];
  const checkpointer = new Checkpointer(db, { onError: (m) => errors.push(m) });
  await eventually(async () => errors.length > 0, 10_000, "the thread's failure reported");
  assert.match(errors[0] ?? "", /cannot open database|unable to open|SQLITE_CANTOPEN/i);
  await eventually(
    async () => db.pragma("wal_autocheckpoint", { simple: true }) === 1000,
    10_000,
    "automatic checkpoints back on",
  );
  await checkpointer.stop();
  db.close();
});
