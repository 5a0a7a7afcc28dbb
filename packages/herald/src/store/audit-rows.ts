/** Row ↔ domain mapping of audit log entries, shared by both backends. */
import type { AuditAction, AuditActor, AuditEntry } from "../domain/audit.js";
import type { Mode } from "../domain/types.js";
import type { Row } from "./rows.js";

/** The columns an INSERT writes, in `auditValues` order. */
export const AUDIT_COLUMNS = [
  "id",
  "account_id",
  "mode",
  "actor",
  "action",
  "object_id",
  "details",
  "created",
] as const;

export function auditValues(e: AuditEntry): unknown[] {
  return [e.id, e.accountId, e.mode, e.actor, e.action, e.objectId, JSON.stringify(e.details), e.created];
}

export function toAuditEntry(r: Row): AuditEntry {
  return {
    id: r.id as string,
    accountId: r.account_id as string,
    mode: (r.mode ?? null) as Mode | null,
    actor: r.actor as AuditActor,
    action: r.action as AuditAction,
    objectId: r.object_id as string,
    details: JSON.parse(r.details as string) as Record<string, unknown>,
    created: Number(r.created),
  };
}
