import { STRIPE_SIGNATURE_HEADER, WEBHOOK_SIGNATURE_HEADER } from "./header-names.js";
import { type HeadersLike, headerValue } from "./headers.js";
import type { SignatureScheme } from "./scheme.js";

/**
 * Guesses the scheme from the headers present, most specific first:
 * `webhook-signature` → `standard`; `stripe-signature` → `stripe`; the signature and the
 * timestamp header → `hmac-timestamp`; the signature header alone → `hmac`.
 *
 * `webhook-id` says nothing, every scheme sends it. Returns undefined when no signature
 * header is present at all.
 *
 * @param signatureHeader - lower-case name of the hmac schemes' signature header
 * @param timestampHeader - lower-case name of the hmac-timestamp scheme's timestamp header
 */
export function detectScheme(
  headers: HeadersLike,
  signatureHeader: string,
  timestampHeader: string,
): SignatureScheme | undefined {
  if (headerValue(headers, WEBHOOK_SIGNATURE_HEADER) !== undefined) return "standard";
  if (headerValue(headers, STRIPE_SIGNATURE_HEADER) !== undefined) return "stripe";
  if (headerValue(headers, signatureHeader) === undefined) return undefined;
  return headerValue(headers, timestampHeader) === undefined ? "hmac" : "hmac-timestamp";
}
