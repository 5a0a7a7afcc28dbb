/**
 * @herald/webhooks: sign and verify Herald webhooks in the four schemes of the contract
 * (`standard`, `stripe`, `hmac-timestamp`, `hmac`). Depends on nothing but node:crypto.
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
export type { SignatureScheme } from "./scheme.js";
export { isSignatureScheme, SIGNATURE_SCHEMES } from "./scheme.js";
export type { SignInput } from "./sign.js";
export { signatureHeaders } from "./sign.js";
export { clearKeyCache } from "./signing-keys.js";
export { timingSafeEqualString } from "./timing-safe-equal.js";
export type { VerifyOptions } from "./verify.js";
export { verify } from "./verify.js";
