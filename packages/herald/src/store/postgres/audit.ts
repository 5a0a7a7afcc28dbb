/** The audit log (PostgreSQL): append-only, read newest first. */
import type { Pool, PoolClient } from "pg";
import type { AuditEntry, AuditQuery } from "../../domain/audit.js";
import { AUDIT_COLUMNS, auditValues, toAuditEntry } from "../audit-rows.js";
import type { Page, PageQuery } from "../store.js";
import { Params, paginate } from "./paginate.js";

/** One INSERT for all entries; on `c`, inside the caller's transaction. */
export async function appendAudit(c: Pool | PoolClient, entries: readonly AuditEntry[]): Promise<void> {
  if (entries.length === 0) return;
  const p = new Params();
  const rows = entries.map(
    (e) =>
      `(${auditValues(e)
        .map((v) => p.add(v))
        .join(", ")})`,
  );
  await c.query(`INSERT INTO audit_log (${AUDIT_COLUMNS.join(", ")}) VALUES ${rows.join(", ")}`, p.values);
}

export function listAuditLog(pool: Pool, query: AuditQuery, page: PageQuery): Promise<Page<AuditEntry>> {
  const p = new Params();
  const conds = ["true"];
  if (query.accountId !== undefined) conds.push(`t.account_id = ${p.add(query.accountId)}`);
  if (query.mode !== undefined) conds.push(`t.mode = ${p.add(query.mode)}`);
  return paginate(pool, "audit_log", conds.join(" AND "), p, page, toAuditEntry);
}
