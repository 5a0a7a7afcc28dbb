import { randomBytes } from "node:crypto";
import { SECRET_PREFIX } from "./signing-keys.js";

/** Random bytes per secret: 256 bits, the size of an HMAC-SHA256 key. */
const SECRET_BYTES = 32;

/**
 * A new endpoint signing secret: `whsec_` + base64 of 32 random bytes.
 *
 * Base64 (not hex or base62) so the same string is a valid Standard Webhooks key; the other
 * schemes use the whole string as the key and do not care about its alphabet.
 */
export function generateSecret(): string {
  return `${SECRET_PREFIX}${randomBytes(SECRET_BYTES).toString("base64")}`;
}
