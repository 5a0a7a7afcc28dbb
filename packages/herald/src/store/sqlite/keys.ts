/** API key listing, revocation and rolling (SQLite). Each write appends its audit entry in the same transaction. */
import type { Database } from "better-sqlite3";
import type { AuditEntry } from "../../domain/audit.js";
import type { ApiKey } from "../../domain/types.js";
import { assertRollable } from "../key-rules.js";
import type { Page, PageQuery, RolledKey } from "../store.js";
import { appendAudit } from "./audit.js";
import { type Row, toApiKey } from "./rows.js";

/**
 * Newest first by (created, id): api_keys has no insertion sequence, and an
 * account has few keys. An unknown cursor yields an empty page.
 */
export function listApiKeys(db: Database, accountId: string, page: PageQuery): Page<ApiKey> {
  const cursorId = page.startingAfter ?? page.endingBefore;
  let cursor: Row | undefined;
  if (cursorId !== undefined) {
    cursor = db.prepare("SELECT created, id FROM api_keys WHERE id = ?").get(cursorId) as Row | undefined;
    if (cursor === undefined) return { data: [], hasMore: false };
  }
  const lim = page.limit + 1;
  if (page.endingBefore !== undefined && cursor !== undefined) {
    const rows = db
      .prepare(
        "SELECT * FROM api_keys WHERE account_id = ? AND (created, id) > (?, ?) ORDER BY created ASC, id ASC LIMIT ?",
      )
      .all(accountId, cursor.created, cursor.id, lim) as Row[];
    return { data: rows.slice(0, page.limit).reverse().map(toApiKey), hasMore: rows.length > page.limit };
  }
  const rows = (
    cursor === undefined
      ? db
          .prepare("SELECT * FROM api_keys WHERE account_id = ? ORDER BY created DESC, id DESC LIMIT ?")
          .all(accountId, lim)
      : db
          .prepare(
            "SELECT * FROM api_keys WHERE account_id = ? AND (created, id) < (?, ?) ORDER BY created DESC, id DESC LIMIT ?",
          )
          .all(accountId, cursor.created, cursor.id, lim)
  ) as Row[];
  return { data: rows.slice(0, page.limit).map(toApiKey), hasMore: rows.length > page.limit };
}

function keyRow(db: Database, accountId: string, keyId: string): ApiKey | null {
  const r = db.prepare("SELECT * FROM api_keys WHERE id = ? AND account_id = ?").get(keyId, accountId) as
    | Row
    | undefined;
  return r === undefined ? null : toApiKey(r);
}

export function revokeApiKey(
  db: Database,
  accountId: string,
  keyId: string,
  now: number,
  audit: (key: ApiKey) => AuditEntry,
): ApiKey | null {
  return db
    .transaction(() => {
      const key = keyRow(db, accountId, keyId);
      if (key === null || key.revokedAt !== null) return key;
      db.prepare("UPDATE api_keys SET revoked_at = ? WHERE id = ?").run(now, keyId);
      appendAudit(db, [audit(key)]);
      return keyRow(db, accountId, keyId);
    })
    .immediate();
}

export function rollApiKey(
  db: Database,
  accountId: string,
  keyId: string,
  expiresAt: number,
  build: (old: ApiKey) => RolledKey,
): { old: ApiKey; next: ApiKey } | null {
  return db
    .transaction(() => {
      const old = keyRow(db, accountId, keyId);
      if (old === null) return null;
      const next = build(old);
      assertRollable(old, next.key.created);
      db.prepare("UPDATE api_keys SET expires_at = MIN(COALESCE(expires_at, @e), @e) WHERE id = @id").run({
        e: expiresAt,
        id: keyId,
      });
      db.prepare(
        "INSERT INTO api_keys (id, account_id, mode, secret_hash, created, revoked_at) VALUES (?, ?, ?, ?, ?, NULL)",
      ).run(next.key.id, accountId, old.mode, next.secretHash, next.key.created);
      appendAudit(db, [next.audit]);
      return { old: keyRow(db, accountId, keyId) as ApiKey, next: keyRow(db, accountId, next.key.id) as ApiKey };
    })
    .immediate();
}
