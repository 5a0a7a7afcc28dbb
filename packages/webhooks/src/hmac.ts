import { createHmac, type KeyObject } from "node:crypto";

/** The exact bytes a webhook carries: a string is signed as UTF-8, bytes as they are. */
export type RawBody = string | Uint8Array;

/**
 * HMAC-SHA256 over `prefix + body`.
 *
 * Two update() calls instead of one concatenated string: the body (up to 256 KiB) is never
 * copied, and bytes are hashed exactly as received rather than decoded and re-encoded.
 */
export function hmacSha256(key: KeyObject, prefix: string, body: RawBody, encoding: "hex" | "base64"): string {
  const hmac = createHmac("sha256", key);
  if (prefix.length > 0) hmac.update(prefix, "utf8");
  return hmac.update(body).digest(encoding);
}

/**
 * The body in the form that is cheapest to hash several times.
 *
 * A string is UTF-8 encoded on every update(); when it is signed with more than one secret
 * (during a rotation) it is encoded once up front instead.
 */
export function bodyForRepeatedHashing(body: RawBody, times: number): RawBody {
  return typeof body === "string" && times > 1 ? Buffer.from(body, "utf8") : body;
}
