/**
 * Row ↔ domain mapping for the PostgreSQL backend. pg returns BIGINT as a
 * string (it may exceed 2^53; Herald's unix-ms times never do), and rows
 * that come back through `to_json`/`json_agg` carry numbers: `Number()`
 * reads both. JSON columns are text, parsed here as in the SQLite adapter.
 */
import type { SignatureScheme } from "@herald/webhooks";
import type {
  Account,
  ApiKey,
  Attempt,
  AttemptTrigger,
  Delivery,
  DeliveryStatus,
  Endpoint,
  EndpointStatus,
  EventType,
  HeraldEvent,
  Mode,
  Plan,
} from "../../domain/types.js";

export type Row = Record<string, unknown>;

const str = (v: unknown): string => v as string;
const num = (v: unknown): number => Number(v);
const optStr = (v: unknown): string | null => (v === null || v === undefined ? null : (v as string));
const optNum = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

export function toAccount(r: Row): Account {
  return { id: str(r.id), name: str(r.name), plan: str(r.plan) as Plan, created: num(r.created) };
}

export function toApiKey(r: Row): ApiKey {
  return {
    id: str(r.id),
    accountId: str(r.account_id),
    mode: str(r.mode) as Mode,
    created: num(r.created),
    revokedAt: optNum(r.revoked_at),
  };
}

export function toEndpoint(r: Row): Endpoint {
  return {
    id: str(r.id),
    accountId: str(r.account_id),
    mode: str(r.mode) as Mode,
    url: str(r.url),
    enabledEvents: JSON.parse(str(r.enabled_events)) as string[],
    status: str(r.status) as EndpointStatus,
    disabledReason: optStr(r.disabled_reason),
    description: optStr(r.description),
    metadata: JSON.parse(str(r.metadata)) as Record<string, string>,
    signatureScheme: str(r.signature_scheme) as SignatureScheme,
    signatureHeader: optStr(r.signature_header),
    timestampHeader: optStr(r.timestamp_header),
    rateLimit: optNum(r.rate_limit),
    maxInFlight: optNum(r.max_in_flight),
    secrets: JSON.parse(str(r.secrets)) as Endpoint["secrets"],
    consecutiveFailures: num(r.consecutive_failures),
    failingSince: optNum(r.failing_since),
    created: num(r.created),
    updated: num(r.updated),
  };
}

export function toEvent(r: Row): HeraldEvent {
  return {
    id: str(r.id),
    accountId: str(r.account_id),
    mode: str(r.mode) as Mode,
    type: str(r.type),
    created: num(r.created),
    body: str(r.body),
  };
}

export function toDelivery(r: Row): Delivery {
  return {
    id: str(r.id),
    accountId: str(r.account_id),
    mode: str(r.mode) as Mode,
    eventId: str(r.event_id),
    eventType: str(r.event_type),
    endpointId: str(r.endpoint_id),
    status: str(r.status) as DeliveryStatus,
    attemptCount: num(r.attempt_count),
    maxAttempts: num(r.max_attempts),
    nextAttemptAt: optNum(r.next_attempt_at),
    nextTrigger: str(r.next_trigger) as AttemptTrigger,
    lastResponseStatus: optNum(r.last_response_status),
    created: num(r.created),
    updated: num(r.updated),
  };
}

export function toAttempt(r: Row): Attempt {
  return {
    id: str(r.id),
    deliveryId: str(r.delivery_id),
    attemptedAt: num(r.attempted_at),
    durationMs: num(r.duration_ms),
    responseStatus: optNum(r.response_status),
    responseBody: optStr(r.response_body),
    responseHeaders:
      r.response_headers == null ? null : (JSON.parse(str(r.response_headers)) as Record<string, string>),
    error: optStr(r.error),
    trigger: str(r.trigger) as AttemptTrigger,
  };
}

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
