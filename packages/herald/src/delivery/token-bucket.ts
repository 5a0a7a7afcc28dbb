/**
 * A token bucket for an endpoint's `rate_limit` (deliveries per second),
 * with a burst of one second's worth so a quiet endpoint is not penalised.
 */
export class TokenBucket {
  readonly #rate: number;
  readonly #burst: number;
  #tokens: number;
  #at: number;

  constructor(perSecond: number, now: number) {
    this.#rate = perSecond / 1000;
    this.#burst = Math.max(1, perSecond);
    this.#tokens = this.#burst;
    this.#at = now;
  }

  #refill(now: number): void {
    this.#tokens = Math.min(this.#burst, this.#tokens + (now - this.#at) * this.#rate);
    this.#at = now;
  }

  /** Takes a token if one is there. */
  take(now: number): boolean {
    this.#refill(now);
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }

  /** Whether the bucket has refilled completely (nothing recent left to remember). */
  full(now: number): boolean {
    this.#refill(now);
    return this.#tokens >= this.#burst;
  }

  /** Ms until the next token. */
  wait(now: number): number {
    this.#refill(now);
    return this.#tokens >= 1 ? 0 : Math.ceil((1 - this.#tokens) / this.#rate);
  }
}
