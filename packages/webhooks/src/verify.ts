import { detectScheme } from "./detect-scheme.js";
import { WebhookVerificationError } from "./errors.js";
import type { WebhookEvent } from "./event.js";
import { customHeaderNames } from "./header-name-option.js";
import { DEFAULT_SIGNATURE_HEADER, DEFAULT_TIMESTAMP_HEADER } from "./header-names.js";
import type { HeadersLike } from "./headers.js";
import type { RawBody } from "./hmac.js";
import type { SignatureScheme } from "./scheme.js";
import type { SchemeVerifyInput } from "./schemes/context.js";
import { verifyHmac } from "./schemes/hmac.js";
import { verifyHmacTimestamp } from "./schemes/hmac-timestamp.js";
import { verifyStandard } from "./schemes/standard.js";
import { verifyStripe } from "./schemes/stripe.js";

/** Five minutes, the window of Stripe and Standard Webhooks. */
const DEFAULT_TOLERANCE_SECONDS = 300;

/** Options of {@link verify}. */
export interface VerifyOptions {
  /**
   * How far the signed timestamp may be from now, in either direction, in seconds.
   * `Infinity` turns the check off. Ignored by the `hmac` scheme, which signs no timestamp.
   * Default `300`.
   */
  toleranceSeconds?: number;
  /**
   * The endpoint's scheme. Set it when you know it: detection lets whoever sends the request
   * pick the scheme among those you accept. Default: detected from the headers present
   * (`webhook-signature` → `standard`; `stripe-signature` → `stripe`; signature and timestamp
   * header → `hmac-timestamp`; signature header only → `hmac`).
   */
  scheme?: SignatureScheme;
  /** Signature header of the `hmac-timestamp` and `hmac` schemes. Default `"X-Webhook-Signature"`. */
  signatureHeader?: string;
  /** Timestamp header of the `hmac-timestamp` scheme. Default `"X-Webhook-Timestamp"`. */
  timestampHeader?: string;
  /** The current time in unix seconds, for tests. Default `Date.now() / 1000`. */
  now?: () => number;
}

const verifiers: Readonly<Record<SignatureScheme, (input: SchemeVerifyInput) => void>> = {
  standard: verifyStandard,
  stripe: verifyStripe,
  "hmac-timestamp": verifyHmacTimestamp,
  hmac: verifyHmac,
};

/**
 * Checks a received webhook and returns its parsed body.
 *
 * Pass the raw body exactly as received (a Buffer from the request stream, or its text): a
 * body parsed and serialised again differs in whitespace or key order and fails.
 *
 * @param rawBody - the request body, untouched
 * @param headers - the request headers: `Headers`, Node's `IncomingHttpHeaders` or a plain
 * object, matched case-insensitively
 * @param secret - the endpoint's signing secret (`whsec_…`); during a rotation try the new
 * one, or accept either, since the sender signs with both
 * @throws WebhookVerificationError with `code` `missing_headers`, `bad_signature`,
 * `timestamp_too_old` or `timestamp_too_new`
 * @throws SyntaxError when the verified body is not JSON
 */
export function verify<T = WebhookEvent>(
  rawBody: string | Uint8Array,
  headers: HeadersLike,
  secret: string,
  options: VerifyOptions = {},
): T {
  const toleranceSeconds = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  if (Number.isNaN(toleranceSeconds) || toleranceSeconds < 0) {
    throw new RangeError(`toleranceSeconds must be >= 0, got ${toleranceSeconds}`);
  }
  const { signatureHeader, timestampHeader } = customHeaderNames(
    options.signatureHeader ?? DEFAULT_SIGNATURE_HEADER,
    options.timestampHeader ?? DEFAULT_TIMESTAMP_HEADER,
  );
  const scheme = options.scheme ?? detectScheme(headers, signatureHeader, timestampHeader);
  if (scheme === undefined) {
    throw new WebhookVerificationError(
      "missing_headers",
      `no signature header found (webhook-signature, stripe-signature or ${signatureHeader})`,
    );
  }
  const verifier = verifiers[scheme];
  if (verifier === undefined) {
    throw new TypeError(`unknown signature scheme ${JSON.stringify(scheme)}`);
  }
  verifier({
    body: rawBody,
    headers,
    secret,
    signatureHeader,
    timestampHeader,
    toleranceSeconds,
    nowSeconds: options.now ?? nowSeconds,
  });
  return JSON.parse(bodyText(rawBody)) as T;
}

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/** The body as text for JSON.parse, decoding bytes in place rather than copying them first. */
function bodyText(body: RawBody): string {
  if (typeof body === "string") return body;
  return Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString("utf8");
}
