/**
 * Audit entries for endpoints Herald disabled itself (a 410, or the
 * auto-disable of a failing endpoint). Written right after the outcome batch
 * that disabled them has committed, not inside it: that batch is the
 * delivery hot path (store.recordOutcomes) and stays free of bookkeeping.
 * A crash in between loses the entry, never the disable.
 */
import type { Logger } from "pino";
import { newAuditEntry } from "../domain/audit.js";
import type { Endpoint } from "../domain/types.js";
import type { Store } from "../store/store.js";

export function auditDisabledEndpoints(store: Store, endpoints: readonly Endpoint[], logger: Logger): void {
  if (endpoints.length === 0) return;
  const now = Date.now();
  const entries = endpoints.map((e) =>
    newAuditEntry(
      {
        accountId: e.accountId,
        mode: e.mode,
        actor: "herald",
        action: "webhook_endpoint.disabled",
        objectId: e.id,
        details: { status: e.status, disabled_reason: e.disabledReason },
      },
      now,
    ),
  );
  store.appendAudit(entries).catch((err: unknown) => logger.error({ err }, "could not write the audit log"));
}
