import type { DashboardToken } from "../domain/dashboard-token.js";
import type { Mode } from "../domain/types.js";
import type { Row } from "./rows.js";

export function toDashboardToken(r: Row): DashboardToken {
  return {
    hash: r.hash as string,
    kind: r.kind as DashboardToken["kind"],
    accountId: r.account_id as string,
    mode: r.mode as Mode,
    csrf: (r.csrf as string | null) ?? null,
    expiresAt: Number(r.expires_at),
    usedAt: r.used_at === null || r.used_at === undefined ? null : Number(r.used_at),
  };
}
