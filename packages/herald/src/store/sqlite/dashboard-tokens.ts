/** Dashboard links and sessions (table dashboard_tokens). */
import type { DashboardToken } from "../../domain/dashboard-token.js";
import { toDashboardToken } from "../dashboard-token-rows.js";
import type { Statements } from "./statements.js";

export function saveDashboardToken(st: Statements, t: DashboardToken): void {
  st.run(
    `INSERT INTO dashboard_tokens (hash, kind, account_id, mode, csrf, expires_at, used_at) VALUES (?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (hash) DO UPDATE SET mode = excluded.mode, csrf = excluded.csrf, expires_at = excluded.expires_at`,
    t.hash,
    t.kind,
    t.accountId,
    t.mode,
    t.csrf,
    t.expiresAt,
    t.usedAt,
  );
}

export function getDashboardToken(st: Statements, hash: string): DashboardToken | null {
  const r = st.get("SELECT * FROM dashboard_tokens WHERE hash = ?", hash);
  return r === undefined ? null : toDashboardToken(r);
}

/** Marks an unused, unexpired link used; one statement, so exactly one caller wins. */
export function useDashboardLink(st: Statements, hash: string, now: number): DashboardToken | null {
  const r = st.get(
    `UPDATE dashboard_tokens SET used_at = ? WHERE hash = ? AND kind = 'link' AND used_at IS NULL AND expires_at > ?
     RETURNING *`,
    now,
    hash,
    now,
  );
  return r === undefined ? null : toDashboardToken(r);
}

export function deleteDashboardToken(st: Statements, hash: string): void {
  st.run("DELETE FROM dashboard_tokens WHERE hash = ?", hash);
}

export const PRUNE_DASHBOARD_TOKENS_SQL = "DELETE FROM dashboard_tokens WHERE expires_at <= ?";
