/**
 * Batches attempt outcomes into shared transactions: flushed every
 * `maxDelayMs` or `maxBatch` rows, whichever comes first. One commit then
 * serves hundreds of deliveries (measured: one transaction per response
 * reached 0.17 × the HTTP ceiling, batched ~0.7 ×). An outcome is durable
 * at most `maxDelayMs` after the receiver had it; a crash inside that window
 * means a re-send, which at-least-once delivery allows.
 */
import type { DeliveryOutcome, HealthPolicy, RecordResult, Store } from "../store/store.js";

export interface RecorderOptions {
  store: Store;
  policy: HealthPolicy;
  now: () => number;
  /** Default 20 ms. */
  maxDelayMs?: number;
  /** Default 1024. */
  maxBatch?: number;
  /** Called after each committed batch, with what it changed. */
  onFlushed: (outcomes: readonly DeliveryOutcome[], result: RecordResult) => void;
  /** A batch could not be written; its deliveries stay leased and come back when the lease expires. */
  onError: (err: unknown, outcomes: readonly DeliveryOutcome[]) => void;
}

export class Recorder {
  readonly #o: RecorderOptions;
  #buffer: DeliveryOutcome[] = [];
  #timer: NodeJS.Timeout | null = null;
  /** The batch being written, if any; at most one at a time. */
  #inFlight: Promise<void> | null = null;

  constructor(o: RecorderOptions) {
    this.#o = o;
  }

  add(outcome: DeliveryOutcome): void {
    this.#buffer.push(outcome);
    if (this.#inFlight !== null) return; // the running write picks it up when it ends
    if (this.#buffer.length >= (this.#o.maxBatch ?? 1024)) void this.flush();
    else if (this.#timer === null) this.#timer = setTimeout(() => void this.flush(), this.#o.maxDelayMs ?? 20);
  }

  /**
   * Writes what is buffered; resolves when the buffer is empty and no write
   * is running. One write at a time: outcomes that arrive meanwhile wait
   * for it and go together in the next one, so a slow store gets fewer,
   * larger transactions instead of a growing queue of small ones (measured
   * on PostgreSQL with three processes on two cores, the queue of small
   * batches left hundreds of outcomes unwritten at any moment).
   */
  async flush(): Promise<void> {
    if (this.#timer !== null) {
      clearTimeout(this.#timer);
      this.#timer = null;
    }
    // A loop, not a recursive `await this.flush()`: under steady load the
    // buffer is never empty when a write ends, and each recursive call kept
    // its finished batch alive in a chain of pending frames, growing without
    // end (measured: a PostgreSQL worker draining a 1,000,000 backlog reached
    // 1.5 GB, every outcome it had ever written still referenced).
    for (;;) {
      while (this.#inFlight !== null) await this.#inFlight;
      if (this.#buffer.length === 0) return;
      const batch = this.#buffer;
      this.#buffer = [];
      this.#inFlight = this.#write(batch);
      await this.#inFlight;
      this.#inFlight = null;
    }
  }

  async #write(batch: DeliveryOutcome[]): Promise<void> {
    try {
      const result = await this.#o.store.recordOutcomes(batch, this.#o.policy, this.#o.now());
      this.#o.onFlushed(batch, result);
    } catch (err) {
      this.#o.onError(err, batch);
    }
  }
}
