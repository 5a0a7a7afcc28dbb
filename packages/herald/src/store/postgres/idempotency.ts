import type { Pool } from "pg";
import type { IdempotencyBegin } from "../store.js";

const IDEMPOTENCY_TTL_MS = 24 * 3600 * 1000;

/**
 * Claims an Idempotency-Key, race-free across processes: the INSERT either
 * creates the record (or takes over one older than 24 h) or, when a live
 * one exists, does nothing and the record is read. Of concurrent
 * duplicates exactly one gets `new`; the others wait for its insert to
 * commit, then see it.
 */
export async function beginIdempotent(
  pool: Pool,
  scope: string,
  key: string,
  requestHash: string,
  now: number,
): Promise<IdempotencyBegin> {
  // A record aborted between the INSERT and the read: try again.
  for (let tries = 0; tries < 3; tries++) {
    const claimed = await pool.query(
      `INSERT INTO idempotency_keys AS k (scope, key, request_hash, status, body, created)
       VALUES ($1, $2, $3, NULL, NULL, $4)
       ON CONFLICT (scope, key) DO UPDATE
         SET request_hash = excluded.request_hash, status = NULL, body = NULL, created = excluded.created
         WHERE k.created <= $4::bigint - ${IDEMPOTENCY_TTL_MS}
       RETURNING 1`,
      [scope, key, requestHash, now],
    );
    if (claimed.rowCount === 1) return { state: "new" };
    const r = (
      await pool.query("SELECT request_hash, status, body FROM idempotency_keys WHERE scope = $1 AND key = $2", [
        scope,
        key,
      ])
    ).rows[0];
    if (r === undefined) continue;
    if (r.request_hash !== requestHash) return { state: "mismatch" };
    if (r.status === null) return { state: "in_progress" };
    return { state: "replay", status: Number(r.status), body: r.body as string };
  }
  throw new Error("idempotency key kept changing under concurrent requests");
}

export async function completeIdempotent(
  pool: Pool,
  scope: string,
  key: string,
  status: number,
  body: string,
): Promise<void> {
  await pool.query("UPDATE idempotency_keys SET status = $3, body = $4 WHERE scope = $1 AND key = $2", [
    scope,
    key,
    status,
    body,
  ]);
}

export async function abortIdempotent(pool: Pool, scope: string, key: string): Promise<void> {
  await pool.query("DELETE FROM idempotency_keys WHERE scope = $1 AND key = $2 AND status IS NULL", [scope, key]);
}
