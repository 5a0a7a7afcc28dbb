import { WebhookVerificationError } from "../errors.js";
import { WEBHOOK_ID_HEADER, WEBHOOK_SIGNATURE_HEADER, WEBHOOK_TIMESTAMP_HEADER } from "../header-names.js";
import { headerValue } from "../headers.js";
import { bodyForRepeatedHashing, hmacSha256 } from "../hmac.js";
import { standardKey } from "../signing-keys.js";
import { assertWithinTolerance, parseTimestamp } from "../timestamp.js";
import type { SchemeSignInput, SchemeVerifyInput } from "./context.js";
import { assertSignatureMatches, joinSignatures } from "./signature-list.js";

// Standard Webhooks (https://www.standardwebhooks.com): HMAC-SHA256 over `id.timestamp.body`
// keyed with the base64-decoded secret, sent as `v1,<base64>`; several signatures are
// separated by single spaces.

const VERSION = "v1";

export function signStandard(input: SchemeSignInput): Record<string, string> {
  const timestamp = String(input.timestamp);
  const prefix = `${input.id}.${timestamp}.`;
  const body = bodyForRepeatedHashing(input.body, input.secrets.length);
  const signatures = joinSignatures(
    input.secrets,
    " ",
    (secret) => `${VERSION},${hmacSha256(standardKey(secret), prefix, body, "base64")}`,
  );
  return {
    [WEBHOOK_ID_HEADER]: input.id,
    [WEBHOOK_TIMESTAMP_HEADER]: timestamp,
    [WEBHOOK_SIGNATURE_HEADER]: signatures,
  };
}

export function verifyStandard(input: SchemeVerifyInput): void {
  const id = headerValue(input.headers, WEBHOOK_ID_HEADER);
  const rawTimestamp = headerValue(input.headers, WEBHOOK_TIMESTAMP_HEADER);
  const signatureValue = headerValue(input.headers, WEBHOOK_SIGNATURE_HEADER);
  if (id === undefined || rawTimestamp === undefined || signatureValue === undefined) {
    throw new WebhookVerificationError(
      "missing_headers",
      "a standard webhook needs the webhook-id, webhook-timestamp and webhook-signature headers",
    );
  }
  const timestamp = parseTimestamp(rawTimestamp, WEBHOOK_TIMESTAMP_HEADER);
  // Signed with the parsed number, as the reference implementation does.
  const expected = hmacSha256(standardKey(input.secret), `${id}.${timestamp}.`, input.body, "base64");
  assertSignatureMatches(expected, parseStandardSignatures(signatureValue));
  assertWithinTolerance(timestamp, input.nowSeconds(), input.toleranceSeconds);
}

/**
 * The `v1` signatures of a `webhook-signature` value. Other versions (e.g. `v1a`, asymmetric)
 * are skipped, as the spec asks. A trailing comma on a token is dropped so a value that a
 * proxy combined from repeated headers ("v1,a, v1,b") still parses.
 */
function parseStandardSignatures(value: string): string[] {
  const signatures: string[] = [];
  for (const token of value.split(/\s+/)) {
    const entry = token.endsWith(",") ? token.slice(0, -1) : token;
    const comma = entry.indexOf(",");
    if (comma > 0 && entry.slice(0, comma) === VERSION) signatures.push(entry.slice(comma + 1));
  }
  return signatures;
}
