/**
 * The words of the contract, as the core sees them. Times are unix
 * milliseconds inside Herald; the API turns them into unix seconds.
 */
import type { SignatureScheme } from "@herald/webhooks";

export type Mode = "test" | "live";
export type Plan = "free" | "pro" | "business";

/** The part of the world a secret key or a dashboard session can see. */
export interface Scope {
  accountId: string;
  mode: Mode;
}

export interface Account {
  id: string;
  name: string;
  plan: Plan;
  created: number;
}

export interface ApiKey {
  id: string;
  accountId: string;
  mode: Mode;
  created: number;
  revokedAt: number | null;
  /** When a rolled key stops working (unix ms); absent or null: never. */
  expiresAt?: number | null;
}

export type EndpointStatus = "enabled" | "disabled";

/** One signing secret of an endpoint, encrypted at rest. */
export interface StoredSecret {
  /** AES-256-GCM box of the `whsec_…` string (see secrets/secret-box.ts). */
  ciphertext: string;
  /** When a rotated-out secret stops signing; null for the current one. */
  expiresAt: number | null;
}

export interface Endpoint {
  id: string;
  accountId: string;
  mode: Mode;
  url: string;
  enabledEvents: string[];
  status: EndpointStatus;
  /** Why a disabled endpoint is disabled: `manual`, `gone` (410) or `failing` (auto-disable). */
  disabledReason: string | null;
  description: string | null;
  metadata: Record<string, string>;
  signatureScheme: SignatureScheme;
  signatureHeader: string | null;
  timestampHeader: string | null;
  /** Deliveries per second, null for no limit. */
  rateLimit: number | null;
  /** Concurrent requests, null for the engine's default. */
  maxInFlight: number | null;
  /** Newest first. */
  secrets: StoredSecret[];
  /** Failed attempts in a row since the last success. */
  consecutiveFailures: number;
  /** When the current run of failures began, null while healthy. */
  failingSince: number | null;
  created: number;
  updated: number;
}

export interface HeraldEvent {
  id: string;
  accountId: string;
  mode: Mode;
  type: string;
  created: number;
  /** The exact JSON bytes every endpoint receives, serialised once at ingest. */
  body: string;
}

export type DeliveryStatus = "pending" | "succeeded" | "failed" | "cancelled";
export type AttemptTrigger = "scheduled" | "retry" | "manual";

export interface Delivery {
  id: string;
  accountId: string;
  mode: Mode;
  eventId: string;
  eventType: string;
  endpointId: string;
  status: DeliveryStatus;
  attemptCount: number;
  maxAttempts: number;
  /** Due time while pending; while leased, the lease's expiry. Null once final. */
  nextAttemptAt: number | null;
  /** What the next attempt counts as. */
  nextTrigger: AttemptTrigger;
  lastResponseStatus: number | null;
  created: number;
  updated: number;
}

export interface Attempt {
  id: string;
  deliveryId: string;
  attemptedAt: number;
  durationMs: number;
  responseStatus: number | null;
  /** First 4 KiB of the response body, as text. */
  responseBody: string | null;
  responseHeaders: Record<string, string> | null;
  /**
   * The headers Herald sent (content-type, user-agent, the scheme's id,
   * timestamp and signature headers: HMACs, never a secret); null when no
   * request left (a URL refused before sending). Absent on attempts recorded
   * before it was kept.
   */
  requestHeaders?: Record<string, string> | null;
  /** Error class: timeout, connection_refused, connection_reset, dns, tls, redirect, ssrf_blocked, http_error, … */
  error: string | null;
  trigger: AttemptTrigger;
}

export interface EventType {
  name: string;
  description: string;
  group: string;
  recommended: boolean;
}
