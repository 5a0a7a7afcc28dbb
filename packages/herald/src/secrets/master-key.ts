import { randomBytes } from "node:crypto";
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * The master key comes from `HERALD_MASTER_KEY` (base64 or hex of 32 bytes) or
 * from `master.key` in the data dir, created with mode 0600 on first start.
 * Several processes on one PostgreSQL must share the same key.
 */
export function loadMasterKey(fromEnv: string | undefined, dataDir: string): Buffer {
  if (fromEnv !== undefined && fromEnv !== "") return parseKey(fromEnv);
  const file = masterKeyFile(dataDir);
  if (existsSync(file)) return parseKey(readFileSync(file, "utf8").trim());
  mkdirSync(dataDir, { recursive: true });
  const key = randomBytes(32);
  // `wx`: if another process created it in the meantime, read theirs instead.
  try {
    writeFileSync(file, `${key.toString("base64")}\n`, { mode: 0o600, flag: "wx" });
    return key;
  } catch {
    return parseKey(readFileSync(file, "utf8").trim());
  }
}

/** The data dir's key file. */
export function masterKeyFile(dataDir: string): string {
  return join(dataDir, "master.key");
}

/** Where `herald rotate-master-key` writes the new key before the store is re-sealed with it. */
export function pendingMasterKeyFile(dataDir: string): string {
  return join(dataDir, "master.key.next");
}

/** Reads a key file (base64 or hex of 32 bytes). */
export function readKeyFile(file: string): Buffer {
  return parseKey(readFileSync(file, "utf8").trim());
}

/** Writes a key file (mode 0600) and fsyncs it: it must be on disk before anything is sealed with it. */
export function writeKeyFile(file: string, key: Buffer): void {
  writeFileSync(file, `${key.toString("base64")}\n`, { mode: 0o600 });
  const fd = openSync(file, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

export function parseKey(text: string): Buffer {
  const key = /^[0-9a-fA-F]{64}$/.test(text) ? Buffer.from(text, "hex") : Buffer.from(text, "base64");
  if (key.length !== 32) throw new Error("HERALD_MASTER_KEY must encode exactly 32 bytes (base64 or hex).");
  return key;
}
