/**
 * How a delivery is signed; chosen per endpoint (`signature_scheme`, contract section 4).
 *
 * - `standard`: Standard Webhooks (`webhook-id`, `webhook-timestamp`, `webhook-signature`).
 * - `stripe`: Stripe's `Stripe-Signature: t=…,v1=…`, so Stripe's own SDKs verify it.
 * - `hmac-timestamp`: a hex HMAC over `timestamp.body` plus a timestamp header (x402-style).
 * - `hmac`: a bare hex HMAC over the body, for receivers that only support that.
 */
export type SignatureScheme = "standard" | "stripe" | "hmac-timestamp" | "hmac";

/** Every scheme, the default (`standard`) first. Frozen so no caller can add one at runtime. */
export const SIGNATURE_SCHEMES: readonly SignatureScheme[] = Object.freeze([
  "standard",
  "stripe",
  "hmac-timestamp",
  "hmac",
]);

/** Narrows untrusted input (an API request field, a stored column) to a {@link SignatureScheme}. */
export function isSignatureScheme(value: unknown): value is SignatureScheme {
  return typeof value === "string" && (SIGNATURE_SCHEMES as readonly string[]).includes(value);
}
