import type { Database, Statement } from "better-sqlite3";

const prepared = new WeakMap<Database, { normal: Statement; full: Statement }>();

/**
 * Runs `fn` with `synchronous = NORMAL`, then back to `FULL`: in WAL mode a
 * commit inside `fn` then skips its fsync. The PRAGMAs are prepared once per
 * connection (`db.pragma()` compiles a statement on every call: 2–3 % of the
 * server's CPU when it ran twice per commit).
 */
export function withoutCommitSync<T>(db: Database, fn: () => T): T {
  let p = prepared.get(db);
  if (p === undefined) {
    p = { normal: db.prepare("PRAGMA synchronous = NORMAL"), full: db.prepare("PRAGMA synchronous = FULL") };
    prepared.set(db, p);
  }
  p.normal.run();
  try {
    return fn();
  } finally {
    p.full.run();
  }
}

/**
 * Runs a queue-bookkeeping transaction (claim, lease renewal, attempt
 * outcomes) without an fsync at its commit; the next `FULL` commit or WAL
 * fsync — every ingest and every API write — makes it durable too, since
 * the WAL is one file written in order.
 *
 * Why this is safe: a process crash loses nothing (the WAL is in the OS's
 * page cache); only a power cut can lose these commits, and then a lease or
 * an outcome is forgotten, so the delivery is due again and re-sent, which
 * at-least-once delivery allows. Accepted events never take this path.
 * Why it matters: the commit's fsync blocks the event loop (better-sqlite3
 * is synchronous); measured in the fan-out benchmark, the recorder's and
 * the claims' commits were 8 % of the server's wall time.
 */
export function queueWrite<T>(db: Database, fn: () => T): T {
  return withoutCommitSync(db, () => db.transaction(fn).immediate());
}
