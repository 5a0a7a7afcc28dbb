import { createSecretKey, type KeyObject } from "node:crypto";
import { BoundedCache } from "./bounded-cache.js";

/** The prefix of every Herald signing secret, as with Stripe and Standard Webhooks. */
export const SECRET_PREFIX = "whsec_";

/** How many secrets' derived keys are remembered per kind; a few hundred KiB at most. */
const KEY_CACHE_CAPACITY = 4096;

// Deriving a key (base64 decoding, copying into a KeyObject) costs about as much as a small
// HMAC, and the server signs the same few secrets over and over, so derived keys are cached.
// KeyObjects are handed to createHmac without another copy of the key bytes.
const standardKeys = new BoundedCache<string, KeyObject>(KEY_CACHE_CAPACITY);
const rawKeys = new BoundedCache<string, KeyObject>(KEY_CACHE_CAPACITY);

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * The Standard Webhooks key: the base64 after the optional `whsec_` prefix, decoded.
 *
 * The prefix is optional exactly as in the reference implementation, so a bare base64
 * secret works too.
 *
 * @throws TypeError when the secret is not base64 or decodes to nothing
 */
export function standardKey(secret: string): KeyObject {
  return standardKeys.getOrCreate(secret, decodeStandardKey);
}

/**
 * The key of the `stripe`, `hmac-timestamp` and `hmac` schemes: the whole secret string,
 * `whsec_` prefix included, as UTF-8 (what Stripe's SDKs do).
 *
 * @throws TypeError when the secret is empty
 */
export function rawKey(secret: string): KeyObject {
  return rawKeys.getOrCreate(secret, encodeRawKey);
}

/** Forgets every cached key, e.g. after a bulk secret purge. */
export function clearKeyCache(): void {
  standardKeys.clear();
  rawKeys.clear();
}

function decodeStandardKey(secret: string): KeyObject {
  const encoded = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  // Buffer's base64 decoder silently skips invalid characters; a typo in a secret must fail
  // loudly here instead of signing with a different key than the receiver's library uses.
  if (!BASE64.test(encoded)) {
    throw new TypeError("a standard-scheme secret must be base64 after the whsec_ prefix");
  }
  const bytes = Buffer.from(encoded, "base64");
  if (bytes.length === 0) throw new TypeError("the signing secret decodes to an empty key");
  return createSecretKey(bytes);
}

function encodeRawKey(secret: string): KeyObject {
  if (secret.length === 0) throw new TypeError("the signing secret is empty");
  return createSecretKey(Buffer.from(secret, "utf8"));
}
