import { MemoryIdempotencyStore } from "./memory-store.js";
import type { IdempotencyStore } from "./store.js";

/** Options of {@link WebhookIdempotency}. */
export interface WebhookIdempotencyOptions {
  /** Where handled ids are remembered. Default: a new {@link MemoryIdempotencyStore}. */
  store?: IdempotencyStore;
  /**
   * How long a handled event id is remembered, in seconds. Herald retries a failing delivery
   * for about 1 day 8 h with its default schedule and a seller can resend any delivery while
   * it is kept (30 days by default), so keep this at least as long as the redeliveries you
   * want dropped. Default `604_800` (7 days).
   */
  ttlSeconds?: number;
  /**
   * How long a claim holds an id while its handler runs, in seconds. A redelivery arriving
   * meanwhile is answered 409 (Herald retries it later); after this, a crashed handler's
   * claim expires and a redelivery runs again. Keep it above your handler's longest run.
   * Default `60`.
   */
  processingTimeoutSeconds?: number;
  /** Prepended to every key, e.g. to separate two endpoints sharing one store. Default `""`. */
  keyPrefix?: string;
}

/** The outcome of {@link WebhookIdempotency.claim}. */
export type IdempotencyClaim =
  | {
      /** First time this id is seen (or its previous handling failed): handle it. */
      status: "new";
      /** Call after the event was handled: redeliveries are dropped from now on. */
      complete(): Promise<void>;
      /** Call when handling failed: a redelivery runs again. */
      release(): Promise<void>;
    }
  /** Already handled: acknowledge with a 2xx and do nothing. */
  | { status: "duplicate" }
  /** Being handled right now by another request: answer non-2xx so it is retried later. */
  | { status: "in_progress" };

/** The outcome of {@link WebhookIdempotency.run}. */
export type IdempotencyRun<T> = { status: "processed"; value: T } | { status: "duplicate" } | { status: "in_progress" };

/**
 * Drops redeliveries of an event that was already handled.
 *
 * Herald delivers at least once: a retry after a timeout, a manual resend or a crash between
 * your answer and Herald recording it can bring the same event again, with the same
 * `webhook-id` (the event id). Key on that id: {@link run} handles an id once, and only marks
 * it handled when the handler succeeded, so a failed attempt is retried for real.
 *
 * ```ts
 * const idempotency = new WebhookIdempotency();
 * const outcome = await idempotency.run(event.id, () => fulfil(event));
 * ```
 */
export class WebhookIdempotency {
  readonly #store: IdempotencyStore;
  readonly #ttlMs: number;
  readonly #processingMs: number;
  readonly #prefix: string;

  constructor(options: WebhookIdempotencyOptions = {}) {
    this.#store = options.store ?? new MemoryIdempotencyStore();
    this.#ttlMs = seconds(options.ttlSeconds ?? 604_800, "ttlSeconds") * 1000;
    this.#processingMs = seconds(options.processingTimeoutSeconds ?? 60, "processingTimeoutSeconds") * 1000;
    this.#prefix = options.keyPrefix ?? "";
  }

  /** Claims `eventId` for handling; see {@link IdempotencyClaim}. */
  async claim(eventId: string): Promise<IdempotencyClaim> {
    if (eventId.length === 0) throw new TypeError("the event id is empty");
    const key = `${this.#prefix}${eventId}`;
    const existing = await this.#store.claim(key, this.#processingMs);
    if (existing === "done") return { status: "duplicate" };
    if (existing === "processing") return { status: "in_progress" };
    let settled = false;
    return {
      status: "new",
      complete: async () => {
        if (settled) return;
        settled = true;
        await this.#store.complete(key, this.#ttlMs);
      },
      release: async () => {
        if (settled) return;
        settled = true;
        await this.#store.release(key);
      },
    };
  }

  /**
   * Runs `handler` unless `eventId` was handled already (or is being handled). The id is
   * marked handled only when `handler` resolves; when it throws, the claim is released and
   * the error rethrown, so the redelivery runs again.
   */
  async run<T>(eventId: string, handler: () => T | Promise<T>): Promise<IdempotencyRun<T>> {
    const claim = await this.claim(eventId);
    if (claim.status !== "new") return { status: claim.status };
    let value: T;
    try {
      value = await handler();
    } catch (error) {
      await claim.release();
      throw error;
    }
    await claim.complete();
    return { status: "processed", value };
  }
}

function seconds(value: number, name: string): number {
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`${name} must be > 0 seconds, got ${value}`);
  return value;
}
