/** The audit log (SQLite): append-only, read newest first. */
import type { Database } from "better-sqlite3";
import type { AuditEntry, AuditQuery } from "../../domain/audit.js";
import { AUDIT_COLUMNS, auditValues, toAuditEntry } from "../audit-rows.js";
import type { Page, PageQuery } from "../store.js";
import { paginate } from "./paginate.js";

const INSERT = `INSERT INTO audit_log (${AUDIT_COLUMNS.join(", ")}) VALUES (${AUDIT_COLUMNS.map(() => "?").join(", ")})`;

/** Runs inside the caller's transaction when there is one (better-sqlite3 nests). */
export function appendAudit(db: Database, entries: readonly AuditEntry[]): void {
  const insert = db.prepare(INSERT);
  db.transaction(() => {
    for (const e of entries) insert.run(...auditValues(e));
  })();
}

export function listAuditLog(db: Database, query: AuditQuery, page: PageQuery): Page<AuditEntry> {
  const conds = ["1 = 1"];
  if (query.accountId !== undefined) conds.push("t.account_id = @account");
  if (query.mode !== undefined) conds.push("t.mode = @mode");
  return paginate(
    db,
    "audit_log",
    conds.join(" AND "),
    { account: query.accountId ?? null, mode: query.mode ?? null },
    page,
    toAuditEntry,
  );
}
