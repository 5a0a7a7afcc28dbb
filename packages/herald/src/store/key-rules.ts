/** What both backends check before rolling a key. */
import { invalid } from "../domain/errors.js";
import type { ApiKey } from "../domain/types.js";

/** A revoked or already expired key has nothing left to hand over. */
export function assertRollable(key: ApiKey, now: number): void {
  if (key.revokedAt !== null) {
    throw invalid("api_key_revoked", `API key ${key.id} is revoked: create a new key instead.`);
  }
  if (key.expiresAt != null && key.expiresAt <= now) {
    throw invalid("api_key_expired", `API key ${key.id} has expired: roll its replacement or create a new key.`);
  }
}
