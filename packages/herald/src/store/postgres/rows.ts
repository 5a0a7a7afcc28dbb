/**
 * Row ↔ domain mapping for the PostgreSQL backend: the shared mappers
 * (rows that come back through `to_json`/`json_agg` carry numbers, which
 * they read as well), and what only this backend needs.
 */
import type { Endpoint, EventType } from "../../domain/types.js";
import { type Row, str } from "../rows.js";

export * from "../rows.js";

export function toEventType(r: Row): EventType {
  return {
    name: str(r.name),
    description: str(r.description),
    group: str(r.grp),
    recommended: r.recommended === true,
  };
}

/** Whether deliveries to this endpoint are claimed under its limits (claim.ts). */
export function isLimited(e: Pick<Endpoint, "maxInFlight" | "rateLimit">): boolean {
  return e.maxInFlight !== null || e.rateLimit !== null;
}

/** The endpoint columns an INSERT or a full UPDATE writes, in ENDPOINT_COLUMNS order. */
export const ENDPOINT_COLUMNS = [
  "id",
  "account_id",
  "mode",
  "url",
  "enabled_events",
  "status",
  "disabled_reason",
  "description",
  "metadata",
  "signature_scheme",
  "signature_header",
  "timestamp_header",
  "rate_limit",
  "max_in_flight",
  "secrets",
  "consecutive_failures",
  "failing_since",
  "created",
  "updated",
] as const;

export function endpointValues(
  e: Omit<Endpoint, "consecutiveFailures" | "failingSince" | "updated" | "disabledReason"> & Partial<Endpoint>,
): unknown[] {
  return [
    e.id,
    e.accountId,
    e.mode,
    e.url,
    JSON.stringify(e.enabledEvents),
    e.status,
    e.disabledReason ?? null,
    e.description,
    JSON.stringify(e.metadata),
    e.signatureScheme,
    e.signatureHeader,
    e.timestampHeader,
    e.rateLimit,
    e.maxInFlight,
    JSON.stringify(e.secrets),
    e.consecutiveFailures ?? 0,
    e.failingSince ?? null,
    e.created,
    e.updated ?? e.created,
  ];
}
