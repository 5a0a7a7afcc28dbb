/** Dashboard links and sessions (table dashboard_tokens). */
import type { Pool } from "pg";
import type { DashboardToken } from "../../domain/dashboard-token.js";
import { toDashboardToken } from "../dashboard-token-rows.js";

export async function saveDashboardToken(pool: Pool, t: DashboardToken): Promise<void> {
  await pool.query(
    `INSERT INTO dashboard_tokens (hash, kind, account_id, mode, csrf, expires_at, used_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (hash) DO UPDATE SET mode = excluded.mode, csrf = excluded.csrf, expires_at = excluded.expires_at`,
    [t.hash, t.kind, t.accountId, t.mode, t.csrf, t.expiresAt, t.usedAt],
  );
}

export async function getDashboardToken(pool: Pool, hash: string): Promise<DashboardToken | null> {
  const r = (await pool.query("SELECT * FROM dashboard_tokens WHERE hash = $1", [hash])).rows[0];
  return r === undefined ? null : toDashboardToken(r);
}

/** Marks an unused, unexpired link used; one statement (a row lock), so exactly one caller wins. */
export async function useDashboardLink(pool: Pool, hash: string, now: number): Promise<DashboardToken | null> {
  const r = (
    await pool.query(
      `UPDATE dashboard_tokens SET used_at = $2 WHERE hash = $1 AND kind = 'link' AND used_at IS NULL AND expires_at > $2
       RETURNING *`,
      [hash, now],
    )
  ).rows[0];
  return r === undefined ? null : toDashboardToken(r);
}

export async function deleteDashboardToken(pool: Pool, hash: string): Promise<void> {
  await pool.query("DELETE FROM dashboard_tokens WHERE hash = $1", [hash]);
}

export const PRUNE_DASHBOARD_TOKENS_SQL = "DELETE FROM dashboard_tokens WHERE expires_at <= $1";
