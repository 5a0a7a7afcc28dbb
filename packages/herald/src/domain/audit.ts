/**
 * The audit log: who changed what. One entry per change an operator, an
 * account (through a secret key or a dashboard session) or Herald itself
 * made to an account's configuration. Entries never hold a secret.
 */
import { ID_PREFIX, newId } from "./ids.js";
import type { Mode } from "./types.js";

/**
 * Who made the change: `operator`, `api_key:key_…`, `dashboard` (a cookie
 * session) or `herald` (the delivery engine, e.g. a 410 or auto-disable).
 */
export type AuditActor = "operator" | "dashboard" | "herald" | `api_key:${string}`;

export type AuditAction =
  | "account.created"
  | "account.updated"
  | "api_key.created"
  | "api_key.revoked"
  | "api_key.rolled"
  | "webhook_endpoint.created"
  | "webhook_endpoint.updated"
  | "webhook_endpoint.disabled"
  | "webhook_endpoint.enabled"
  | "webhook_endpoint.secret_rotated"
  | "webhook_endpoint.deleted";

export interface AuditEntry {
  /** `aud_…` */
  id: string;
  accountId: string;
  /** The mode of the object changed; null for account-wide changes (the account itself). */
  mode: Mode | null;
  actor: AuditActor;
  action: AuditAction;
  /** The id of the object changed. */
  objectId: string;
  /** What changed: field names and their new values, never a secret. */
  details: Record<string, unknown>;
  created: number;
}

export interface AuditQuery {
  /** Only this account's entries. */
  accountId?: string;
  /** Only entries of this mode (account-wide entries, whose mode is null, are left out). */
  mode?: Mode;
}

/** A new entry with a fresh `aud_…` id, stamped `now`. */
export function newAuditEntry(fields: Omit<AuditEntry, "id" | "created">, now = Date.now()): AuditEntry {
  return { id: newId(ID_PREFIX.auditLogEntry), created: now, ...fields };
}
