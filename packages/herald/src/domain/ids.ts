import { randomBytes } from "node:crypto";

const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/**
 * `prefix_` followed by 24 base62 characters (~143 bits of randomness).
 * Ids are opaque: order comes from the store's insertion sequence, not from the id.
 */
export function newId(prefix: string): string {
  const bytes = randomBytes(24);
  let out = `${prefix}_`;
  for (const b of bytes) out += ALPHABET[b % 62];
  return out;
}

export const ID_PREFIX = {
  account: "acct",
  apiKey: "key",
  endpoint: "we",
  event: "evt",
  delivery: "dlv",
  attempt: "att",
} as const;
