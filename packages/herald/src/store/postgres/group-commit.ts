export type Settled<O> = { ok: true; value: O } | { ok: false; error: unknown };

interface Waiter<I, O> {
  input: I;
  resolve: (o: O) => void;
  reject: (e: unknown) => void;
}

export interface GroupCommitOptions {
  /** Most items in one transaction. Default 500. */
  maxBatch?: number;
  /**
   * Transactions in flight at once; items arriving meanwhile wait and form
   * the next batch. Default 4: a burst of 10,000 events (10 endpoints) went
   * in at 1,050/s with 1, 1,700/s with 2, 3,100/s with 4 and 2,600/s with 8
   * (one run each on a busy 2-core machine), and 4 leaves most of a
   * 10-connection pool to claims and the API.
   */
  maxConcurrent?: number;
}

/**
 * Group commit over a networked database: requests that arrive in the same
 * event-loop turn, or while earlier batches are committing, share one
 * transaction. On PostgreSQL the price is about one round trip per statement
 * and one WAL flush per commit, so a batch of a few hundred events costs
 * about what one event costs alone (see ingest.ts for the measured numbers).
 *
 * `run` commits a whole batch and settles each item, or throws when the
 * transaction failed; then every item is retried alone, so one bad item
 * fails by itself. No promise resolves before its transaction committed.
 */
export class GroupCommit<I, O> {
  readonly #run: (batch: readonly I[]) => Promise<Settled<O>[]>;
  readonly #maxBatch: number;
  readonly #maxConcurrent: number;
  #queue: Waiter<I, O>[] = [];
  #scheduled = false;
  #running = 0;
  #idle: (() => void)[] = [];

  constructor(run: (batch: readonly I[]) => Promise<Settled<O>[]>, options: GroupCommitOptions = {}) {
    this.#run = run;
    this.#maxBatch = options.maxBatch ?? 500;
    this.#maxConcurrent = options.maxConcurrent ?? 4;
  }

  submit(input: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.#queue.push({ input, resolve, reject });
      if (!this.#scheduled) {
        this.#scheduled = true;
        // setImmediate, not a microtask: every request already read from the
        // sockets in this loop turn joins the batch.
        setImmediate(() => {
          this.#scheduled = false;
          this.#pump();
        });
      }
    });
  }

  /** Resolves once everything submitted so far has committed (or failed). */
  drain(): Promise<void> {
    if (this.#queue.length === 0 && this.#running === 0 && !this.#scheduled) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  #pump(): void {
    while (this.#running < this.#maxConcurrent && this.#queue.length > 0) {
      const batch = this.#queue.splice(0, this.#maxBatch);
      this.#running++;
      void this.#commit(batch).finally(() => {
        this.#running--;
        this.#pump();
        if (this.#running === 0 && this.#queue.length === 0 && !this.#scheduled) {
          for (const resolve of this.#idle.splice(0)) resolve();
        }
      });
    }
  }

  async #commit(batch: Waiter<I, O>[]): Promise<void> {
    let results: Settled<O>[];
    try {
      results = await this.#run(batch.map((w) => w.input));
    } catch (error) {
      if (batch.length === 1) {
        batch[0]?.reject(error);
        return;
      }
      // Something in the batch broke the transaction: nothing of it was
      // written. Alone, each item either commits or fails by itself.
      for (const w of batch) {
        try {
          settle(w, (await this.#run([w.input]))[0]);
        } catch (e) {
          w.reject(e);
        }
      }
      return;
    }
    batch.forEach((w, i) => {
      settle(w, results[i]);
    });
  }
}

function settle<I, O>(w: Waiter<I, O>, r: Settled<O> | undefined): void {
  if (r?.ok === true) w.resolve(r.value);
  else w.reject(r === undefined ? new Error("group commit: no result for an item") : r.error);
}
