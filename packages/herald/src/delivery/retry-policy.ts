import type { OutcomeResult } from "../store/store.js";

/** Statuses whose `Retry-After` header is honoured (contract §3). */
const RETRY_AFTER_STATUSES = new Set([429, 502, 503]);

export interface RetryPolicyOptions {
  /** Delays after the 1st, 2nd … failed attempt, in ms. */
  schedule: readonly number[];
  /** ± fraction of each delay drawn at random. Default 0.2. */
  jitter?: number;
  /** Source of randomness in [0, 1). Default Math.random. */
  random?: () => number;
}

/**
 * When to try again. Attempt budget = schedule length + 1; each delay gets
 * ±20 % jitter so that a receiver coming back up is not hit by every
 * retry at the same instant. `Retry-After` on 429/502/503 moves the retry
 * later but stays between the scheduled delay and twice it, so a receiver
 * can ask for breathing room without stalling the schedule for hours.
 */
export class RetryPolicy {
  readonly schedule: readonly number[];
  readonly #jitter: number;
  readonly #random: () => number;

  constructor(o: RetryPolicyOptions) {
    this.schedule = o.schedule;
    this.#jitter = o.jitter ?? 0.2;
    this.#random = o.random ?? Math.random;
  }

  get maxAttempts(): number {
    return this.schedule.length + 1;
  }

  /** The delay after the `failedAttempts`-th failure (1-based), jittered. */
  delay(failedAttempts: number): number {
    const base = this.schedule[Math.min(failedAttempts, this.schedule.length) - 1] ?? 0;
    return Math.round(base * (1 + (this.#random() * 2 - 1) * this.#jitter));
  }

  /**
   * The delivery's fate after an attempt.
   * @param attemptsMade attempts including this one
   * @param maxAttempts the delivery's budget
   */
  decide(
    attemptsMade: number,
    maxAttempts: number,
    response: { ok: boolean; status: number | null; retryAfterMs: number | null },
    now: number,
  ): OutcomeResult {
    if (response.ok) return { kind: "succeeded" };
    if (response.status === 410 || attemptsMade >= maxAttempts) return { kind: "failed" };
    let delay = this.delay(attemptsMade);
    if (response.status !== null && RETRY_AFTER_STATUSES.has(response.status) && response.retryAfterMs !== null) {
      const scheduled = this.schedule[Math.min(attemptsMade, this.schedule.length) - 1] ?? 0;
      delay = Math.min(Math.max(response.retryAfterMs, scheduled), 2 * scheduled);
    }
    return { kind: "retry", nextAttemptAt: now + delay };
  }
}

/** `Retry-After: 120` or an HTTP date → ms from now; null when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now: number): number | null {
  if (value === undefined || value === "") return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}
