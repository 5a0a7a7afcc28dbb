/** The dashboard's only way to the server: same-origin fetch with the session cookie and CSRF token. */
export type Mode = "test" | "live";

export interface Session {
  account: { id: string; name: string; plan: string };
  mode: Mode;
  csrf_token: string;
}

export interface Endpoint {
  id: string;
  url: string;
  description: string | null;
  enabled_events: string[];
  status: "enabled" | "disabled";
  disabled_reason?: string | null;
  signature_scheme: string;
  livemode: boolean;
  created: number;
  secret?: string;
}

export interface EventType {
  name: string;
  description: string;
  group: string;
  recommended: boolean;
}

export interface Attempt {
  id: string;
  attempted_at: number;
  duration_ms: number;
  response_status: number | null;
  response_body: string | null;
  response_headers: Record<string, string> | null;
  /** What Herald sent; null when no request left (or for attempts recorded before it was kept). */
  request_headers?: Record<string, string> | null;
  error: string | null;
  trigger: string;
}

/** `GET /v1/webhooks/:id/stats`. */
export interface EndpointStats {
  endpoint_id: string;
  since: number;
  deliveries: { total: number; succeeded: number; failed: number; pending: number; cancelled: number };
  success_rate: number | null;
  last_delivery: { id: string; status: Delivery["status"]; created: number } | null;
  buckets: {
    start: number;
    attempts: number;
    succeeded: number;
    failed: number;
    avg_duration_ms: number | null;
    max_duration_ms: number | null;
  }[];
}

export interface Delivery {
  id: string;
  event_id: string;
  event_type: string;
  endpoint_id: string;
  status: "pending" | "succeeded" | "failed" | "cancelled";
  attempt_count: number;
  max_attempts: number;
  next_attempt_at: number | null;
  last_response_status: number | null;
  created: number;
  updated: number;
  attempts?: Attempt[];
}

export interface HeraldEvent {
  id: string;
  type: string;
  created: number;
  livemode: boolean;
  data: unknown;
}

export interface List<T> {
  data: T[];
  has_more: boolean;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

let csrf = "";
export const setCsrf = (token: string) => {
  csrf = token;
};

export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: "application/json" };
  if (method !== "GET") headers["x-csrf-token"] = csrf;
  if (body !== undefined) headers["content-type"] = "application/json";
  const res = await fetch(path, {
    method,
    headers,
    credentials: "same-origin",
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (res.status === 204) return undefined as T;
  const json = await res.json().catch(() => null);
  if (!res.ok) {
    const err = json?.error ?? {};
    throw new ApiError(res.status, err.code ?? "error", err.message ?? `Request failed (${res.status})`);
  }
  return json as T;
}

export const time = (unix: number | null | undefined) =>
  unix === null || unix === undefined ? "—" : new Date(unix * 1000).toLocaleString();
