/**
 * @herald/webhooks: sign and verify Herald webhooks in the four schemes of the contract
 * (`standard`, `stripe`, `hmac-timestamp`, `hmac`); middleware for Node's `http`, Express and
 * Fastify that keeps the raw body and verifies it; an idempotency helper keyed on the event
 * id. Depends on nothing but Node's built-in modules.
 *
 * @packageDocumentation
 */

export type { WebhookVerificationErrorCode } from "./errors.js";
export { WebhookVerificationError } from "./errors.js";
export type { WebhookEvent } from "./event.js";
export { generateSecret } from "./generate-secret.js";
export {
  DEFAULT_SIGNATURE_HEADER,
  DEFAULT_TIMESTAMP_HEADER,
  STRIPE_SIGNATURE_HEADER,
  WEBHOOK_ID_HEADER,
  WEBHOOK_SIGNATURE_HEADER,
  WEBHOOK_TIMESTAMP_HEADER,
} from "./header-names.js";
export type { HeaderGetter, HeaderRecord, HeadersLike } from "./headers.js";
export type { IdempotencyClaim, IdempotencyRun, WebhookIdempotencyOptions } from "./idempotency/idempotency.js";
export { WebhookIdempotency } from "./idempotency/idempotency.js";
export type { MemoryIdempotencyStoreOptions } from "./idempotency/memory-store.js";
export { MemoryIdempotencyStore } from "./idempotency/memory-store.js";
export type { IdempotencyState, IdempotencyStore, MaybePromise } from "./idempotency/store.js";
export type { NextFunction } from "./middleware/express.js";
export { expressWebhookMiddleware } from "./middleware/express.js";
export type { FastifyWebhookOptions } from "./middleware/fastify.js";
export { fastifyWebhookPlugin } from "./middleware/fastify.js";
export type { NodeRequest, NodeWebhookContext, NodeWebhookHandlerOptions, VerifiedRequest } from "./middleware/node.js";
export { nodeWebhookHandler, verifyNodeRequest } from "./middleware/node.js";
export type { WebhookMiddlewareOptions } from "./middleware/options.js";
export type { WebhookRequestErrorCode } from "./middleware/raw-body.js";
export { DEFAULT_BODY_LIMIT, readRawBody, WebhookRequestError } from "./middleware/raw-body.js";
export { getRawBody, getWebhookEvent } from "./middleware/request-event.js";
export { verifyWithAnySecret } from "./middleware/verify-any.js";
export type { SignatureScheme } from "./scheme.js";
export { isSignatureScheme, SIGNATURE_SCHEMES } from "./scheme.js";
export type { SignInput } from "./sign.js";
export { signatureHeaders } from "./sign.js";
export { clearKeyCache } from "./signing-keys.js";
export { timingSafeEqualString } from "./timing-safe-equal.js";
export type { VerifyOptions } from "./verify.js";
export { verify } from "./verify.js";
