/**
 * Row ↔ domain mapping shared by the backends: both return snake_case rows.
 * `Number()` reads SQLite integers and PostgreSQL BIGINTs (strings, since
 * they may exceed 2^53; Herald's unix-ms times never do) alike. JSON
 * columns are text in both.
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
  HeraldEvent,
  Mode,
  Plan,
} from "../domain/types.js";

export type Row = Record<string, unknown>;

export const str = (v: unknown): string => v as string;
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
    expiresAt: optNum(r.expires_at),
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

/**
 * `next_attempt_at` of a parked delivery: pending, but not due until its
 * endpoint has room. Far beyond any real time, so the claim's range scan
 * (`next_attempt_at <= now`) never reaches it, and equal for every parked
 * row, so one endpoint's parked rows sit together in `deliveries_due`
 * (ordered by next_attempt_at, then rowid: oldest first).
 *
 * Why park: an endpoint that hangs or is rate-limited while events keep
 * coming would otherwise pile its deliveries up at the head of the due
 * queue. Every claim then skipped them (bounded to a window of the oldest
 * rows), costing 7 ms a claim at 60,000 such rows, and other endpoints'
 * retries waiting behind the window were not claimed at all: one slow
 * endpoint delayed another's deliveries (benchmark S3).
 */
export const PARKED_AT = Number.MAX_SAFE_INTEGER;

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
    // A parked delivery (sqlite/parking.ts) has been due since it was created.
    nextAttemptAt: Number(r.next_attempt_at) === PARKED_AT ? num(r.created) : optNum(r.next_attempt_at),
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
    requestHeaders: r.request_headers == null ? null : (JSON.parse(str(r.request_headers)) as Record<string, string>),
    error: optStr(r.error),
    trigger: str(r.trigger) as AttemptTrigger,
  };
}
