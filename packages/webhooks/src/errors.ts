/**
 * Why a webhook was rejected.
 *
 * - `missing_headers`: a header the scheme needs is absent, empty or malformed.
 * - `timestamp_too_old`: the signed timestamp is further in the past than the tolerance.
 * - `timestamp_too_new`: the signed timestamp is further in the future than the tolerance.
 * - `bad_signature`: no signature in the headers matches the body and the secret.
 */
export type WebhookVerificationErrorCode =
  | "missing_headers"
  | "timestamp_too_old"
  | "timestamp_too_new"
  | "bad_signature";

/** Thrown by `verify()` when a webhook must not be trusted; answer it with a 400. */
export class WebhookVerificationError extends Error {
  override readonly name = "WebhookVerificationError";
  /** A stable, machine-readable reason; the message is for humans and may change. */
  readonly code: WebhookVerificationErrorCode;

  constructor(code: WebhookVerificationErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}
