import type { WebhookIdempotency } from "../idempotency/idempotency.js";
import type { VerifyOptions } from "../verify.js";

/** What every middleware (Node `http`, Express, Fastify) takes. */
export interface WebhookMiddlewareOptions extends VerifyOptions {
  /**
   * The endpoint's signing secret (`whsec_…`), or several: during a secret rotation pass the
   * new and the old one, and a request verifying with either is accepted.
   */
  secret: string | readonly string[];
  /**
   * Drops redeliveries of an event that was already handled (same event id, sent as
   * `webhook-id`): they are answered `200 {"received": true, "duplicate": true}` without
   * running your handler. An id counts as handled once your handler answered 2xx; a redelivery
   * arriving while the first is still running is answered 409 and retried by Herald later.
   * Default: none (every verified request reaches the handler).
   */
  idempotency?: WebhookIdempotency;
  /** The largest body read, in bytes; a larger one is answered 413. Default `1048576` (1 MiB). */
  bodyLimit?: number;
}
