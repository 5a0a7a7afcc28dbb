/**
 * Advisory lock keys. The single-bigint keys and the (int, int) pairs are
 * separate key spaces in PostgreSQL, so the constants cannot collide with
 * the per-scope locks.
 */

/** Held (transaction-scoped) while migrations run: one process migrates, the others wait and find nothing to do. */
export const MIGRATE_LOCK = "4848295781";

/** Tried (transaction-scoped) by prune: a process that does not get it returns 0 at once. */
export const PRUNE_LOCK = "4848295782";

/**
 * First key of the per-scope (account + mode) lock. Writers that change
 * which endpoints an event fans out to, or how (create, update, delete,
 * auto-disable), take it exclusive; ingest, resend and recover take it
 * shared. So a fan-out never reads an endpoint configuration that a
 * concurrent writer is changing: disabling an endpoint cancels every pending
 * delivery it has, including those of events ingested a moment before.
 */
export const SCOPE_LOCK_CLASS = 4848;

/** The text the scope lock hashes (second key: `hashtext(scopeKey)`). */
export function scopeKey(accountId: string, mode: string): string {
  return `${accountId}/${mode}`;
}

/**
 * Takes the scope lock of every key `keys` (an SQL expression of a text
 * array) yields, in the server's order, so no two lockers can deadlock.
 */
export function scopeLocksSql(kind: "exclusive" | "shared", keys: string): string {
  const fn = kind === "shared" ? "pg_advisory_xact_lock_shared" : "pg_advisory_xact_lock";
  return `SELECT ${fn}(${SCOPE_LOCK_CLASS}, hashtext(k))
  FROM (SELECT DISTINCT k FROM unnest(${keys}) AS k ORDER BY k) AS keys`;
}

/** Takes the exclusive scope lock of every key in $1 (text[]), in a fixed order. */
export const LOCK_SCOPES_SQL = scopeLocksSql("exclusive", "$1::text[]");

/** Takes the shared scope lock of every key in $1 (text[]), in a fixed order. */
export const SHARE_SCOPES_SQL = scopeLocksSql("shared", "$1::text[]");
