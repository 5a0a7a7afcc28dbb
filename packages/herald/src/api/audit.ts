/**
 * Writing audit log entries from the routes. Who: the request's principal.
 *
 * Endpoint and account changes are written right after the change has
 * committed, not inside its transaction: the store's endpoint and account
 * writes are shared with the delivery engine and know nothing of requests.
 * A crash between the two loses the entry, never the change. Key revocation
 * and rolling write theirs in the same transaction (store.revokeApiKey, rollApiKey).
 */
import type { FastifyRequest } from "fastify";
import { type AuditActor, type AuditEntry, newAuditEntry } from "../domain/audit.js";
import type { Store } from "../store/store.js";
import type { Principal } from "./auth.js";

export function actorOf(principal: Principal | null): AuditActor {
  if (principal === null || principal.kind === "operator") return "operator";
  return principal.keyId === null ? "dashboard" : `api_key:${principal.keyId}`;
}

/** An entry for a change the request made. */
export function requestAudit(
  request: FastifyRequest,
  fields: Omit<AuditEntry, "id" | "created" | "actor">,
  now = Date.now(),
): AuditEntry {
  return newAuditEntry({ ...fields, actor: actorOf(request.principal) }, now);
}

/** Appends entries for changes the request has made (already committed). */
export async function recordAudit(
  store: Store,
  request: FastifyRequest,
  ...entries: Omit<AuditEntry, "id" | "created" | "actor">[]
): Promise<void> {
  if (entries.length === 0) return;
  const now = Date.now();
  await store.appendAudit(entries.map((e) => requestAudit(request, e, now)));
}

/** The named fields of a JSON object: what an entry's `details` shows. */
export function pick(json: Record<string, unknown>, fields: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) if (f in json) out[f] = json[f];
  return out;
}
