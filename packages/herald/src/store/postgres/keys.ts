/** API key listing, revocation and rolling (PostgreSQL). Each write appends its audit entry in the same transaction. */
import type { Pool, PoolClient } from "pg";
import type { AuditEntry } from "../../domain/audit.js";
import type { ApiKey } from "../../domain/types.js";
import { assertRollable } from "../key-rules.js";
import type { Page, PageQuery, RolledKey } from "../store.js";
import { appendAudit } from "./audit.js";
import { NOTIFY_KEYS_SQL } from "./notify.js";
import { type Row, toApiKey } from "./rows.js";
import { withTransaction } from "./transaction.js";

/** Newest first by (created, id), as the SQLite backend does it. An unknown cursor yields an empty page. */
export async function listApiKeys(pool: Pool, accountId: string, page: PageQuery): Promise<Page<ApiKey>> {
  const cursorId = page.startingAfter ?? page.endingBefore;
  let cursor: Row | undefined;
  if (cursorId !== undefined) {
    cursor = (await pool.query("SELECT created, id FROM api_keys WHERE id = $1", [cursorId])).rows[0];
    if (cursor === undefined) return { data: [], hasMore: false };
  }
  const lim = page.limit + 1;
  if (page.endingBefore !== undefined && cursor !== undefined) {
    const rows = (
      await pool.query(
        "SELECT * FROM api_keys WHERE account_id = $1 AND (created, id) > ($2, $3) ORDER BY created ASC, id ASC LIMIT $4",
        [accountId, cursor.created, cursor.id, lim],
      )
    ).rows as Row[];
    return { data: rows.slice(0, page.limit).reverse().map(toApiKey), hasMore: rows.length > page.limit };
  }
  const rows = (
    cursor === undefined
      ? await pool.query("SELECT * FROM api_keys WHERE account_id = $1 ORDER BY created DESC, id DESC LIMIT $2", [
          accountId,
          lim,
        ])
      : await pool.query(
          "SELECT * FROM api_keys WHERE account_id = $1 AND (created, id) < ($2, $3) ORDER BY created DESC, id DESC LIMIT $4",
          [accountId, cursor.created, cursor.id, lim],
        )
  ).rows as Row[];
  return { data: rows.slice(0, page.limit).map(toApiKey), hasMore: rows.length > page.limit };
}

async function lockKey(c: PoolClient, accountId: string, keyId: string): Promise<ApiKey | null> {
  const r = (await c.query("SELECT * FROM api_keys WHERE id = $1 AND account_id = $2 FOR UPDATE", [keyId, accountId]))
    .rows[0];
  return r === undefined ? null : toApiKey(r);
}

export function revokeApiKey(
  pool: Pool,
  accountId: string,
  keyId: string,
  now: number,
  audit: (key: ApiKey) => AuditEntry,
): Promise<ApiKey | null> {
  return withTransaction(pool, async (c) => {
    const key = await lockKey(c, accountId, keyId);
    if (key === null || key.revokedAt !== null) return key;
    const r = await c.query("UPDATE api_keys SET revoked_at = $2 WHERE id = $1 RETURNING *", [keyId, now]);
    // At commit: other processes stop answering from their cached copy of the key.
    await c.query(NOTIFY_KEYS_SQL);
    await appendAudit(c, [audit(key)]);
    return toApiKey(r.rows[0]);
  });
}

export function rollApiKey(
  pool: Pool,
  accountId: string,
  keyId: string,
  expiresAt: number,
  build: (old: ApiKey) => RolledKey,
): Promise<{ old: ApiKey; next: ApiKey } | null> {
  return withTransaction(pool, async (c) => {
    const old = await lockKey(c, accountId, keyId);
    if (old === null) return null;
    const next = build(old);
    assertRollable(old, next.key.created);
    const updated = await c.query(
      "UPDATE api_keys SET expires_at = LEAST(COALESCE(expires_at, $2), $2) WHERE id = $1 RETURNING *",
      [keyId, expiresAt],
    );
    await c.query(NOTIFY_KEYS_SQL);
    const inserted = await c.query(
      `INSERT INTO api_keys (id, account_id, mode, secret_hash, created, revoked_at)
       VALUES ($1, $2, $3, $4, $5, NULL) RETURNING *`,
      [next.key.id, accountId, old.mode, next.secretHash, next.key.created],
    );
    await appendAudit(c, [next.audit]);
    return { old: toApiKey(updated.rows[0]), next: toApiKey(inserted.rows[0]) };
  });
}
