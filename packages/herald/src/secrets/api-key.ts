import { createHash, randomBytes } from "node:crypto";
import type { ApiKey, Mode } from "../domain/types.js";

/**
 * Secret keys carry 32 random bytes, so a plain SHA-256 is enough to store
 * them: there is nothing to brute-force, and a lookup by hash stays one index
 * probe (a slow KDF would cost every API request).
 */
export function hashSecret(secret: string): string {
  return createHash("sha256").update(secret, "utf8").digest("hex");
}

export function newSecretKey(mode: Mode): string {
  return `sk_${mode}_${randomBytes(32).toString("base64url")}`;
}

export function newAdminToken(): string {
  return `hat_${randomBytes(32).toString("base64url")}`;
}

/** The mode a secret key is for, from its prefix; null when it is not one. */
export function modeOfKey(secret: string): Mode | null {
  if (secret.startsWith("sk_test_")) return "test";
  if (secret.startsWith("sk_live_")) return "live";
  return null;
}

/** Neither revoked nor past the expiry a roll gave it. */
export function isKeyUsable(key: ApiKey, now: number): boolean {
  return key.revokedAt === null && (key.expiresAt == null || key.expiresAt > now);
}
