import { customHeaderNames } from "./header-name-option.js";
import { DEFAULT_SIGNATURE_HEADER, DEFAULT_TIMESTAMP_HEADER } from "./header-names.js";
import type { SignatureScheme } from "./scheme.js";
import type { SchemeSignInput } from "./schemes/context.js";
import { signHmac } from "./schemes/hmac.js";
import { signHmacTimestamp } from "./schemes/hmac-timestamp.js";
import { signStandard } from "./schemes/standard.js";
import { signStripe } from "./schemes/stripe.js";

/** One delivery to sign. */
export interface SignInput {
  /** The endpoint's signature scheme. */
  scheme: SignatureScheme;
  /**
   * Every live secret of the endpoint (`whsec_…`), newest first. During a rotation there are
   * two and each produces a signature, so receivers still on the old secret keep verifying.
   * Must not be empty.
   */
  secrets: readonly string[];
  /** The event id, sent as `webhook-id` by every scheme (and signed by `standard`). */
  id: string;
  /** Unix seconds of this attempt; each retry is signed afresh with its own timestamp. */
  timestamp: number;
  /** The exact bytes that will be sent; a string is signed as UTF-8. */
  body: string | Uint8Array;
  /**
   * Name of the signature header of the `hmac-timestamp` and `hmac` schemes; ignored by the
   * others. Default `"X-Webhook-Signature"`.
   */
  signatureHeader?: string;
  /**
   * Name of the timestamp header of the `hmac-timestamp` scheme; ignored by the others.
   * Default `"X-Webhook-Timestamp"`.
   */
  timestampHeader?: string;
}

const signers: Readonly<Record<SignatureScheme, (input: SchemeSignInput) => Record<string, string>>> = {
  standard: signStandard,
  stripe: signStripe,
  "hmac-timestamp": signHmacTimestamp,
  hmac: signHmac,
};

/**
 * The headers that sign one delivery, to add to the request next to `content-type`.
 *
 * Header names are always lower-case (`webhook-id`, `webhook-signature`, `stripe-signature`,
 * and a configured `signatureHeader` such as `Payment-Signature` becomes
 * `payment-signature`): HTTP names are case-insensitive, HTTP/2 sends them lower-case anyway,
 * and one spelling keeps merges with other header objects predictable.
 *
 * - `standard`: `webhook-id`, `webhook-timestamp`, `webhook-signature: v1,<b64>[ v1,<b64>]`
 * - `stripe`: `webhook-id`, `stripe-signature: t=<ts>,v1=<hex>[,v1=<hex>]`
 * - `hmac-timestamp`: `webhook-id`, `<signatureHeader>: <hex>[,<hex>]`, `<timestampHeader>: <ts>`
 * - `hmac`: `webhook-id`, `<signatureHeader>: <hex>[,<hex>]`
 *
 * With several secrets the signatures appear in the order of `secrets`.
 *
 * @throws TypeError on an empty `secrets`, a malformed secret, a timestamp that is not a
 * non-negative integer, an empty id or an invalid header name
 */
export function signatureHeaders(input: SignInput): Record<string, string> {
  const signer = signers[input.scheme];
  if (signer === undefined) {
    throw new TypeError(`unknown signature scheme ${JSON.stringify(input.scheme)}`);
  }
  if (input.secrets.length === 0) {
    // Sending an unsigned webhook would look like a forgery to every receiver.
    throw new TypeError("at least one signing secret is required");
  }
  if (!Number.isSafeInteger(input.timestamp) || input.timestamp < 0) {
    throw new TypeError(`timestamp must be unix seconds, got ${input.timestamp}`);
  }
  if (input.id.length === 0) throw new TypeError("the event id is empty");
  const { signatureHeader, timestampHeader } = customHeaderNames(
    input.signatureHeader ?? DEFAULT_SIGNATURE_HEADER,
    input.timestampHeader ?? DEFAULT_TIMESTAMP_HEADER,
  );
  return signer({
    secrets: input.secrets,
    id: input.id,
    timestamp: input.timestamp,
    body: input.body,
    signatureHeader,
    timestampHeader,
  });
}
