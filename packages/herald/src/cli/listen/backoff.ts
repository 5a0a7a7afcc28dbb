/**
 * Capped exponential backoff with ±20 % jitter, for reconnecting to the
 * server and retrying the local handler: 0.5 s, 1 s, 2 s … up to the cap.
 * Jitter keeps many clients from retrying in step after a shared outage.
 */
export class Backoff {
  readonly #baseMs: number;
  readonly #capMs: number;
  readonly #random: () => number;
  #failures = 0;

  constructor(options: { baseMs?: number; capMs: number; random?: () => number }) {
    this.#baseMs = options.baseMs ?? 500;
    this.#capMs = options.capMs;
    this.#random = options.random ?? Math.random;
  }

  /** The delay before the next try; each call doubles the next one, up to the cap. */
  next(): number {
    const exponential = Math.min(this.#capMs, this.#baseMs * 2 ** Math.min(this.#failures, 30));
    this.#failures++;
    return Math.round(exponential * (0.8 + this.#random() * 0.4));
  }

  /** After a success: the next failure waits the base delay again. */
  reset(): void {
    this.#failures = 0;
  }
}

/** Resolves after `ms`, or at once when `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });
}
