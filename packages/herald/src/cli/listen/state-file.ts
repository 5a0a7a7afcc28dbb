/**
 * What `herald listen` keeps between runs, in one small JSON file:
 * - `secret`: the session's signing secret, so the local handler keeps its
 *   configuration across restarts;
 * - `cursor`: the last event whose forwarding finished (or the stream's
 *   starting point while none has), so a restarted `listen` resumes after it
 *   and an event that was queued but not yet forwarded is sent again.
 *
 * The default path is per server URL and key (hashed, never the key itself),
 * under `$XDG_STATE_HOME/herald` (default `~/.local/state/herald`).
 */
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";

export interface ListenState {
  /** `whsec_…` */
  secret?: string;
  /** `evt_…`, or `beginning` (the account had no event when the stream started). */
  cursor?: string;
}

export function defaultStatePath(url: string, apiKey: string, env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_STATE_HOME || join(homedir(), ".local", "state");
  const hash = createHash("sha256").update(`${url}\n${apiKey}`).digest("hex").slice(0, 16);
  return join(base, "herald", `listen-${hash}.json`);
}

export function readState(path: string): ListenState {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return {};
    throw err;
  }
  const parsed = JSON.parse(text) as Record<string, unknown>;
  const state: ListenState = {};
  if (typeof parsed.secret === "string" && parsed.secret.startsWith("whsec_")) state.secret = parsed.secret;
  if (typeof parsed.cursor === "string" && parsed.cursor !== "") state.cursor = parsed.cursor;
  return state;
}

/** Replaces the file atomically (write, then rename), readable by its owner only. */
export function writeState(path: string, state: ListenState): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  renameSync(temporary, path);
}
