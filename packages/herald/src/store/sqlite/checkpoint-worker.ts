/**
 * The checkpointer's thread (see checkpointer.ts): its own connection to
 * the database, copying the WAL back into the database file every few
 * hundred milliseconds. PASSIVE: it never waits for, nor blocks, the
 * server's connection; what it cannot copy now it copies next time.
 */
import { parentPort, workerData } from "node:worker_threads";
import BetterSqlite3 from "better-sqlite3";

const { file, everyMs } = workerData as { file: string; everyMs: number };
const db = new BetterSqlite3(file);
const checkpoint = db.prepare("PRAGMA wal_checkpoint(PASSIVE)");
const timer = setInterval(() => {
  try {
    checkpoint.run();
  } catch (err) {
    parentPort?.postMessage({ error: String(err) });
  }
}, everyMs);

parentPort?.on("message", (m: unknown) => {
  if (m !== "stop") return;
  clearInterval(timer);
  db.close();
  parentPort?.close();
});
