import type { Mode } from "./types.js";

/**
 * A dashboard sign-in link (`dl_…`, one use, 5 minutes) or session (`ds_…`,
 * 12 hours), stored by the SHA-256 of its value only. Rows past `expiresAt`
 * are useless and the retention job deletes them.
 */
export interface DashboardToken {
  /** sha256 of the token: the key. */
  hash: string;
  kind: "link" | "session";
  accountId: string;
  mode: Mode;
  /** Sessions: the CSRF token state-changing requests must carry; null for links. */
  csrf: string | null;
  expiresAt: number;
  /** Links: when it was used (it never works again); null otherwise. */
  usedAt: number | null;
}
