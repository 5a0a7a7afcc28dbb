import { WebhookVerificationError } from "../errors.js";
import { WEBHOOK_ID_HEADER } from "../header-names.js";
import { headerValue } from "../headers.js";
import { bodyForRepeatedHashing, hmacSha256 } from "../hmac.js";
import { rawKey } from "../signing-keys.js";
import type { SchemeSignInput, SchemeVerifyInput } from "./context.js";
import { assertSignatureMatches, joinSignatures, parseHexList } from "./signature-list.js";

// The plainest scheme, for receivers that only check a body HMAC: `<signature header>: <hex>`,
// HMAC-SHA256 over the body keyed with the whole secret string; comma-separated digests
// during a rotation. Nothing timestamped is signed, so there is no replay window to check:
// receivers of this scheme must de-duplicate on webhook-id.

export function signHmac(input: SchemeSignInput): Record<string, string> {
  const body = bodyForRepeatedHashing(input.body, input.secrets.length);
  return {
    [WEBHOOK_ID_HEADER]: input.id,
    [input.signatureHeader]: joinSignatures(input.secrets, ",", (secret) =>
      hmacSha256(rawKey(secret), "", body, "hex"),
    ),
  };
}

export function verifyHmac(input: SchemeVerifyInput): void {
  const signatureValue = headerValue(input.headers, input.signatureHeader);
  if (signatureValue === undefined) {
    throw new WebhookVerificationError("missing_headers", `an hmac webhook needs the ${input.signatureHeader} header`);
  }
  const expected = hmacSha256(rawKey(input.secret), "", input.body, "hex");
  assertSignatureMatches(expected, parseHexList(signatureValue));
}
