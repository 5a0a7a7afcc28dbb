/**
 * Domain objects → the JSON the contract shows: snake_case, unix seconds (the
 * domain keeps milliseconds), `livemode` instead of `mode`. Events are not
 * here: their JSON was fixed once at ingest and is sent as stored.
 */
import type { Account, ApiKey, Attempt, Delivery, Endpoint, EventType, HeraldEvent, Mode } from "../domain/types.js";
import type { Page } from "../store/store.js";

export const seconds = (ms: number): number => Math.floor(ms / 1000);
const livemode = (mode: Mode): boolean => mode === "live";

export function accountJson(account: Account) {
  return {
    id: account.id,
    object: "account" as const,
    name: account.name,
    plan: account.plan,
    created: seconds(account.created),
  };
}

/** The only answer that ever shows a secret key. */
/** `secret` only in the answers of create and roll (the new key). */
export function apiKeyJson(key: ApiKey, secret?: string) {
  return {
    id: key.id,
    object: "api_key" as const,
    mode: key.mode,
    ...(secret === undefined ? {} : { secret }),
    created: seconds(key.created),
    revoked: key.revokedAt !== null,
    revoked_at: key.revokedAt === null ? null : seconds(key.revokedAt),
    expires_at: key.expiresAt == null ? null : seconds(key.expiresAt),
  };
}

/** `secret` only in the answers of create and rotate_secret. */
export function endpointJson(endpoint: Endpoint, secret?: string) {
  const json = {
    id: endpoint.id,
    object: "webhook_endpoint" as const,
    url: endpoint.url,
    enabled_events: endpoint.enabledEvents,
    status: endpoint.status,
    disabled_reason: endpoint.disabledReason,
    description: endpoint.description,
    metadata: endpoint.metadata,
    signature_scheme: endpoint.signatureScheme,
    signature_header: endpoint.signatureHeader,
    timestamp_header: endpoint.timestampHeader,
    rate_limit: endpoint.rateLimit,
    max_in_flight: endpoint.maxInFlight,
    livemode: livemode(endpoint.mode),
    created: seconds(endpoint.created),
    updated: seconds(endpoint.updated),
  };
  return secret === undefined ? json : { ...json, secret };
}

/** `attempts` only on the single-delivery answer, newest first. */
export function deliveryJson(delivery: Delivery, attempts?: readonly Attempt[]) {
  const json = {
    id: delivery.id,
    object: "delivery" as const,
    event_id: delivery.eventId,
    event_type: delivery.eventType,
    endpoint_id: delivery.endpointId,
    status: delivery.status,
    attempt_count: delivery.attemptCount,
    max_attempts: delivery.maxAttempts,
    // While a worker holds the delivery, nextAttemptAt is its lease expiry:
    // still "pending" to the user, and about when the answer is known.
    next_attempt_at:
      delivery.status === "pending" && delivery.nextAttemptAt !== null ? seconds(delivery.nextAttemptAt) : null,
    last_response_status: delivery.lastResponseStatus,
    created: seconds(delivery.created),
    updated: seconds(delivery.updated),
  };
  return attempts === undefined ? json : { ...json, attempts: newestFirst(attempts).map(attemptJson) };
}

export function attemptJson(attempt: Attempt) {
  return {
    id: attempt.id,
    object: "delivery_attempt" as const,
    attempted_at: seconds(attempt.attemptedAt),
    duration_ms: attempt.durationMs,
    response_status: attempt.responseStatus,
    response_body: attempt.responseBody,
    response_headers: attempt.responseHeaders,
    request_headers: attempt.requestHeaders ?? null,
    error: attempt.error,
    trigger: attempt.trigger,
  };
}

function newestFirst(attempts: readonly Attempt[]): Attempt[] {
  // Stable: attempts recorded in the same millisecond keep the store's order.
  return [...attempts].sort((a, b) => b.attemptedAt - a.attemptedAt);
}

export function eventTypeJson(type: EventType) {
  return { name: type.name, description: type.description, group: type.group, recommended: type.recommended };
}

/** A list of events from their stored bodies, without parsing them. */
export function eventListJson(page: Page<HeraldEvent>): string {
  return `{"object":"list","data":[${page.data.map((e) => e.body).join(",")}],"has_more":${page.hasMore}}`;
}
