/**
 * The pruning job: every `everyMs`, delete events (with their deliveries and
 * attempts) older than the retention window, in small batches so no
 * transaction holds the store for long. Every process runs it; the store lets
 * one at a time do the work.
 */
import type { Logger } from "pino";
import type { Store } from "../store/store.js";

export interface RetentionOptions {
  store: Store;
  logger: Logger;
  /** Events older than this many days go. */
  retentionDays: number;
  /** How often to prune. Default one hour. */
  everyMs?: number;
  /** First run after start. Default one minute (start-up stays quick). */
  firstAfterMs?: number;
  /** Events per batch. Default 500. */
  batchSize?: number;
}

export class RetentionJob {
  readonly #o: RetentionOptions;
  #timer: NodeJS.Timeout | null = null;
  #running: Promise<number> | null = null;
  #stopped = false;

  constructor(o: RetentionOptions) {
    this.#o = o;
  }

  start(): void {
    this.#schedule(this.#o.firstAfterMs ?? 60_000);
  }

  #schedule(ms: number): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      void this.runOnce().finally(() => this.#schedule(this.#o.everyMs ?? 3_600_000));
    }, ms);
    this.#timer.unref();
  }

  /** Prunes until nothing is left to prune; resolves with the number of events deleted. */
  runOnce(): Promise<number> {
    this.#running ??= (async () => {
      const before = Date.now() - this.#o.retentionDays * 86_400_000;
      let total = 0;
      try {
        for (;;) {
          if (this.#stopped) break;
          const n = await this.#o.store.prune(before, this.#o.batchSize ?? 500);
          total += n;
          if (n === 0) break;
          // Let requests and deliveries run between batches.
          await new Promise((r) => setImmediate(r));
        }
        if (total > 0)
          this.#o.logger.info({ events: total, retention_days: this.#o.retentionDays }, "pruned old events");
      } catch (err) {
        this.#o.logger.error({ err }, "pruning failed; it will run again later");
      } finally {
        this.#running = null;
      }
      return total;
    })();
    return this.#running;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer !== null) clearTimeout(this.#timer);
    await this.#running;
  }
}
