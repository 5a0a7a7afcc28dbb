import { WebhookVerificationError } from "../errors.js";
import { WEBHOOK_ID_HEADER } from "../header-names.js";
import { headerValue } from "../headers.js";
import { bodyForRepeatedHashing, hmacSha256 } from "../hmac.js";
import { rawKey } from "../signing-keys.js";
import { assertWithinTolerance, parseTimestamp } from "../timestamp.js";
import type { SchemeSignInput, SchemeVerifyInput } from "./context.js";
import { assertSignatureMatches, joinSignatures, parseHexList } from "./signature-list.js";

// x402-style: `<signature header>: <hex>` and `<timestamp header>: <ts>`, HMAC-SHA256 over
// `ts.body` keyed with the whole secret string. During a rotation the signature header holds
// one hex digest per secret, comma-separated (a comma never occurs in hex).

export function signHmacTimestamp(input: SchemeSignInput): Record<string, string> {
  const timestamp = String(input.timestamp);
  const prefix = `${timestamp}.`;
  const body = bodyForRepeatedHashing(input.body, input.secrets.length);
  return {
    [WEBHOOK_ID_HEADER]: input.id,
    [input.signatureHeader]: joinSignatures(input.secrets, ",", (secret) =>
      hmacSha256(rawKey(secret), prefix, body, "hex"),
    ),
    [input.timestampHeader]: timestamp,
  };
}

export function verifyHmacTimestamp(input: SchemeVerifyInput): void {
  const signatureValue = headerValue(input.headers, input.signatureHeader);
  const rawTimestamp = headerValue(input.headers, input.timestampHeader);
  if (signatureValue === undefined || rawTimestamp === undefined) {
    throw new WebhookVerificationError(
      "missing_headers",
      `an hmac-timestamp webhook needs the ${input.signatureHeader} and ${input.timestampHeader} headers`,
    );
  }
  const timestamp = parseTimestamp(rawTimestamp, input.timestampHeader);
  const expected = hmacSha256(rawKey(input.secret), `${timestamp}.`, input.body, "hex");
  assertSignatureMatches(expected, parseHexList(signatureValue));
  assertWithinTolerance(timestamp, input.nowSeconds(), input.toleranceSeconds);
}
