import { Worker } from "node:worker_threads";
import type { Database } from "better-sqlite3";

/**
 * WAL checkpoints on a thread of their own.
 *
 * SQLite's automatic checkpoint runs inside whichever commit pushes the WAL
 * past 1,000 pages: it copies those pages into the database file and
 * fsyncs it, synchronously, on the event loop (better-sqlite3 is
 * synchronous). Under load that is a stall of several milliseconds every few
 * dozen commits, in the middle of whatever request was committing; measured
 * in the ingest benchmark, commits were 16 % of the server's time. Here the
 * server's connection never checkpoints (`wal_autocheckpoint = 0`) and a
 * worker thread with its own connection does it in the background.
 *
 * If the thread cannot start or dies, the connection goes back to SQLite's
 * automatic checkpoints, so the WAL never grows without bound.
 */
export class Checkpointer {
  readonly #db: Database;
  readonly #worker: Worker | null;
  /** The thread has ended (stopped or died): nothing left to stop. */
  #exited = false;

  /** `everyMs`: how often the thread checkpoints. Default 250 ms. */
  constructor(db: Database, options: { everyMs?: number; onError?: (message: string) => void } = {}) {
    this.#db = db;
    let worker: Worker | null = null;
    try {
      worker = new Worker(new URL("./checkpoint-worker.js", import.meta.url), {
        workerData: { file: db.name, everyMs: options.everyMs ?? 250 },
      });
    } catch (err) {
      options.onError?.(String(err));
    }
    this.#worker = worker;
    if (worker === null) return;
    db.pragma("wal_autocheckpoint = 0");
    // A worker must not keep a process alive that has nothing else to do.
    worker.unref();
    worker.on("message", (m: { error?: string }) => {
      if (m.error !== undefined) options.onError?.(m.error);
    });
    worker.on("error", (err) => {
      options.onError?.(String(err));
      this.#fallBack();
    });
    worker.on("exit", () => {
      this.#exited = true;
      this.#fallBack();
    });
  }

  /** Stops the thread (its connection closes first). */
  async stop(): Promise<void> {
    const worker = this.#worker;
    // A thread that already died would never announce its exit again: the
    // close of a store whose checkpoint thread had failed used to hang here.
    if (worker === null || this.#exited) return;
    worker.removeAllListeners("exit");
    // Held again while it stops, or a process with nothing else to do would end first.
    worker.ref();
    await new Promise<void>((resolve) => {
      worker.once("exit", () => resolve());
      worker.postMessage("stop");
    });
  }

  #fallBack(): void {
    if (this.#db.open) this.#db.pragma("wal_autocheckpoint = 1000");
  }
}
