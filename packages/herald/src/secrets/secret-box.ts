import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

/**
 * AES-256-GCM for endpoint signing secrets at rest. A box is
 * `v1.<iv>.<tag>.<ciphertext>` in base64url, so a stolen database file holds
 * no usable `whsec_` value without the master key.
 */
/** Whether a stored value is a secret box (`v1.` and three base64url parts), e.g. a sealed setting. */
export function isSealed(value: string): boolean {
  return /^v1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(value);
}

export class SecretBox {
  readonly #key: Buffer;
  // Decrypting on every delivery would cost a cipher setup per request; boxes
  // are immutable, so their plaintext is cached (bounded) in memory.
  readonly #cache = new Map<string, string>();

  constructor(masterKey: Buffer) {
    if (masterKey.length !== 32) throw new Error("The master key must be 32 bytes.");
    this.#key = masterKey;
  }

  seal(plaintext: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", this.#key, iv);
    const data = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
    const tag = cipher.getAuthTag();
    return ["v1", iv.toString("base64url"), tag.toString("base64url"), data.toString("base64url")].join(".");
  }

  open(box: string): string {
    const cached = this.#cache.get(box);
    if (cached !== undefined) return cached;
    const [version, iv, tag, data] = box.split(".");
    if (version !== "v1" || iv === undefined || tag === undefined || data === undefined) {
      throw new Error("Not a Herald secret box.");
    }
    const decipher = createDecipheriv("aes-256-gcm", this.#key, Buffer.from(iv, "base64url"));
    decipher.setAuthTag(Buffer.from(tag, "base64url"));
    const plain = Buffer.concat([decipher.update(Buffer.from(data, "base64url")), decipher.final()]).toString("utf8");
    if (this.#cache.size >= 10_000) this.#cache.clear();
    this.#cache.set(box, plain);
    return plain;
  }
}
