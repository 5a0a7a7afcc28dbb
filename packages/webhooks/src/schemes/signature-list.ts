import { WebhookVerificationError } from "../errors.js";
import { timingSafeEqualString } from "../timing-safe-equal.js";

/**
 * Splits a comma-separated list of hex digests, as the `hmac` and `hmac-timestamp` schemes
 * send during a rotation (one digest per live secret). Lower-cased because hex is
 * case-insensitive and some proxies or test tools upper-case it.
 */
export function parseHexList(value: string): string[] {
  const digests: string[] = [];
  for (const part of value.split(",")) {
    const digest = part.trim();
    if (digest.length > 0) digests.push(digest.toLowerCase());
  }
  return digests;
}

/** Joins one signature per secret with `separator`; the inverse of the scheme's parser. */
export function joinSignatures(
  secrets: readonly string[],
  separator: string,
  sign: (secret: string) => string,
): string {
  let joined = "";
  for (let index = 0; index < secrets.length; index++) {
    const secret = secrets[index] as string;
    joined = index === 0 ? sign(secret) : `${joined}${separator}${sign(secret)}`;
  }
  return joined;
}

/**
 * Throws `bad_signature` unless one of the received signatures equals the expected one.
 *
 * Every comparison is constant-time. Stopping at the first match leaks nothing useful: the
 * sender already knows which of its signatures is valid.
 */
export function assertSignatureMatches(expected: string, received: readonly string[]): void {
  for (const candidate of received) {
    if (timingSafeEqualString(expected, candidate)) return;
  }
  throw new WebhookVerificationError(
    "bad_signature",
    received.length === 0
      ? "the signature header holds no signature of a supported version"
      : "no signature matches the body and the secret; verify the raw body exactly as received",
  );
}
