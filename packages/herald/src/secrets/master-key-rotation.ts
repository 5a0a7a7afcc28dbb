/**
 * Rotating the master key (`herald rotate-master-key`) so that a crash at
 * any instant leaves a key that opens the store:
 *
 * 1. the new key is written and fsync'd to `master.key.next` beside `master.key`;
 * 2. every sealed value is re-sealed with it in ONE store transaction
 *    (store.resealSecrets), `master_key_check` included;
 * 3. `master.key.next` is renamed over `master.key` (atomic) and the
 *    directory fsync'd.
 *
 * Before 2 commits, `master.key` still opens everything; after, `master.key.next`
 * does. Whoever opens the store next (the server at start, or the command run
 * again) finds `master.key.next`, asks `master_key_check` which key is the
 * store's, and finishes the rename or drops the unused file
 * (`settlePendingRotation`). With `HERALD_MASTER_KEY` the key lives outside
 * the data dir: the new key goes to a file the operator names and installs
 * in the environment afterwards.
 */
import { randomBytes } from "node:crypto";
import { closeSync, existsSync, fsyncSync, openSync, renameSync, rmSync } from "node:fs";
import { dirname } from "node:path";
import type { ResealCount, Store } from "../store/store.js";
import { masterKeyFile, parseKey, pendingMasterKeyFile, readKeyFile, writeKeyFile } from "./master-key.js";
import { SecretBox } from "./secret-box.js";

/** The setting bootstrap.ts seals a known text in, to tell whether a key is the store's. */
export const MASTER_KEY_CHECK_SETTING = "master_key_check";

export interface KeySource {
  /** `HERALD_MASTER_KEY`, when set: the key does not live in the data dir. */
  fromEnv: string | null;
  dataDir: string;
}

/** Whether `key` opens the store's check value; true when the store has none yet (never started). */
async function opensStore(store: Store, key: Buffer): Promise<boolean> {
  const check = await store.getSetting(MASTER_KEY_CHECK_SETTING);
  if (check === null) return true;
  try {
    new SecretBox(key).open(check);
    return true;
  } catch {
    return false;
  }
}

/**
 * Finishes or undoes a rotation a crash interrupted (see the file comment).
 * Call before loading the master key. Does nothing when no rotation is pending.
 */
export async function settlePendingRotation(store: Store, source: KeySource): Promise<void> {
  const pending = pendingMasterKeyFile(source.dataDir);
  if ((source.fromEnv ?? "") !== "" || !existsSync(pending)) return;
  const current = masterKeyFile(source.dataDir);
  const next = readKeyFile(pending);
  const check = await store.getSetting(MASTER_KEY_CHECK_SETTING);
  if (check !== null && (await opensStore(store, next))) {
    installKeyFile(pending, current);
  } else {
    rmSync(pending, { force: true });
  }
}

function installKeyFile(from: string, to: string): void {
  renameSync(from, to);
  const dir = openSync(dirname(to), "r");
  try {
    fsyncSync(dir);
  } finally {
    closeSync(dir);
  }
}

export interface RotateOptions extends KeySource {
  /**
   * Where to write the new key when the current one comes from
   * `HERALD_MASTER_KEY` (required then; refused otherwise: the data dir's
   * `master.key` is replaced in place).
   */
  newKeyFile?: string;
}

export interface RotateResult extends ResealCount {
  /** The file that now holds the key the store is sealed with. */
  keyFile: string;
}

/** Re-seals every secret of `store` under a new master key and installs it. The store's writers must be stopped. */
export async function rotateMasterKey(store: Store, options: RotateOptions): Promise<RotateResult> {
  await settlePendingRotation(store, options);
  const inEnv = (options.fromEnv ?? "") !== "";
  const currentFile = masterKeyFile(options.dataDir);
  if (inEnv && options.newKeyFile === undefined) {
    throw new Error(
      "The master key comes from HERALD_MASTER_KEY: pass --new-key-file <path> to receive the new key, then set HERALD_MASTER_KEY to it.",
    );
  }
  if (!inEnv && options.newKeyFile !== undefined) {
    throw new Error(
      `--new-key-file is for keys kept in HERALD_MASTER_KEY; this one is ${currentFile}, replaced in place.`,
    );
  }
  if (!inEnv && !existsSync(currentFile)) {
    throw new Error(`No master key at ${currentFile} (and HERALD_MASTER_KEY is not set): nothing to rotate.`);
  }
  const oldKey = inEnv ? parseKey(options.fromEnv as string) : readKeyFile(currentFile);
  if (!(await opensStore(store, oldKey))) {
    throw new Error("The current master key cannot open this store's secrets: refusing to rotate.");
  }
  const oldBox = new SecretBox(oldKey);
  const newKey = randomBytes(32);
  const newBox = new SecretBox(newKey);
  const target = inEnv ? (options.newKeyFile as string) : pendingMasterKeyFile(options.dataDir);
  if (inEnv && existsSync(target)) throw new Error(`${target} exists already: choose a new file for the new key.`);
  writeKeyFile(target, newKey);
  let count: ResealCount;
  try {
    count = await store.resealSecrets((sealed) => newBox.seal(oldBox.open(sealed)));
  } catch (err) {
    // Nothing committed: the old key is still the store's; the new one was never used.
    rmSync(target, { force: true });
    throw err;
  }
  if (!inEnv) installKeyFile(target, currentFile);
  return { ...count, keyFile: inEnv ? target : currentFile };
}
