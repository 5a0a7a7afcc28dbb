import { WebhookVerificationError } from "../errors.js";
import { STRIPE_SIGNATURE_HEADER, WEBHOOK_ID_HEADER } from "../header-names.js";
import { headerValue } from "../headers.js";
import { bodyForRepeatedHashing, hmacSha256 } from "../hmac.js";
import { rawKey } from "../signing-keys.js";
import { assertWithinTolerance, parseTimestamp } from "../timestamp.js";
import type { SchemeSignInput, SchemeVerifyInput } from "./context.js";
import { assertSignatureMatches, joinSignatures } from "./signature-list.js";

// Stripe's format, so receivers can keep using Stripe's SDKs: `t=<ts>,v1=<hex>[,v1=<hex>]`,
// HMAC-SHA256 over `t.body` keyed with the whole secret string (whsec_ prefix included).

const VERSION = "v1";

export function signStripe(input: SchemeSignInput): Record<string, string> {
  const prefix = `${input.timestamp}.`;
  const body = bodyForRepeatedHashing(input.body, input.secrets.length);
  const signatures = joinSignatures(
    input.secrets,
    ",",
    (secret) => `${VERSION}=${hmacSha256(rawKey(secret), prefix, body, "hex")}`,
  );
  return {
    [WEBHOOK_ID_HEADER]: input.id,
    [STRIPE_SIGNATURE_HEADER]: `t=${input.timestamp},${signatures}`,
  };
}

export function verifyStripe(input: SchemeVerifyInput): void {
  const value = headerValue(input.headers, STRIPE_SIGNATURE_HEADER);
  if (value === undefined) {
    throw new WebhookVerificationError("missing_headers", "the stripe-signature header is missing");
  }
  const { rawTimestamp, signatures } = parseStripeSignature(value);
  const timestamp = parseTimestamp(rawTimestamp, `${STRIPE_SIGNATURE_HEADER} t=`);
  const expected = hmacSha256(rawKey(input.secret), `${timestamp}.`, input.body, "hex");
  assertSignatureMatches(expected, signatures);
  assertWithinTolerance(timestamp, input.nowSeconds(), input.toleranceSeconds);
}

/** Splits `t=…,v1=…,v1=…`; unknown keys (Stripe's `v0` test signatures) are ignored. */
function parseStripeSignature(value: string): {
  rawTimestamp: string | undefined;
  signatures: string[];
} {
  let rawTimestamp: string | undefined;
  const signatures: string[] = [];
  for (const item of value.split(",")) {
    const equals = item.indexOf("=");
    if (equals < 0) continue;
    const key = item.slice(0, equals).trim();
    const itemValue = item.slice(equals + 1).trim();
    if (key === "t") rawTimestamp ??= itemValue;
    else if (key === VERSION) signatures.push(itemValue.toLowerCase());
  }
  return { rawTimestamp, signatures };
}
