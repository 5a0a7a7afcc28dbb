/**
 * The API in-process, on a real store of its own (a fresh SQLite file by
 * default, or any backend of test/store/backends.ts), called through
 * Fastify's `inject` (no sockets: the network adds nothing to API tests).
 * Every part is real; nothing is mocked.
 *
 * ```ts
 * for (const backend of backends) {
 *   describe(`webhooks API (${backend.name})`, { skip: backend.skip ?? false }, () => {
 *     let h: ApiHarness;
 *     before(async () => { h = await startApi({}, backend); });
 *     after(() => h.close());
 *     test("…", async () => {
 *       const acct = await h.account();
 *       const res = await h.api("POST", "/v1/webhooks", { url, enabled_events: ["*"] }, acct.testKey);
 *     });
 *   });
 * }
 * ```
 */
import { randomBytes } from "node:crypto";
import type { FastifyInstance } from "fastify";
import { buildApp } from "../../src/api/app.js";
import type { ApiDeps } from "../../src/api/deps.js";
import { ID_PREFIX, newId } from "../../src/domain/ids.js";
import type { Mode, Plan } from "../../src/domain/types.js";
import { hashSecret } from "../../src/secrets/api-key.js";
import { SecretBox } from "../../src/secrets/secret-box.js";
import type { Store } from "../../src/store/store.js";
import { type Backend, backends } from "../store/backends.js";

export type Json = any;

export interface ApiResponse {
  status: number;
  headers: Record<string, string | string[] | number | undefined>;
  /** The parsed JSON body (undefined when the body is not JSON). */
  body: Json;
  /** The body exactly as sent. */
  text: string;
}

export interface CallOptions {
  /** Extra request headers (e.g. `Idempotency-Key`, `Herald-Account`, `content-type`). */
  headers?: Record<string, string>;
  /** Sent as is instead of `JSON.stringify(body)` (malformed JSON, other media types). */
  rawBody?: string | Buffer;
}

export interface TestAccount {
  id: string;
  /** `sk_test_…` */
  testKey: string;
  /** `sk_live_…` */
  liveKey: string;
}

export interface ApiHarness {
  app: FastifyInstance;
  store: Store;
  secretBox: SecretBox;
  /** The operator token the app accepts. */
  adminToken: string;
  /**
   * Calls the API. `token` defaults to the operator token; pass `null` for no
   * Authorization header. `body` undefined sends no body.
   */
  api(method: string, path: string, body?: unknown, token?: string | null, options?: CallOptions): Promise<ApiResponse>;
  /** A new account (plan `pro` unless given) with one test and one live key, made through the API. */
  account(options?: { name?: string; plan?: Plan }): Promise<TestAccount>;
  /** A new secret key of `mode` for an existing account. */
  key(accountId: string, mode: Mode): Promise<string>;
  close(): Promise<void>;
}

/** SQLite: runs everywhere, no server needed. */
const defaultBackend = backends[0] as Backend;

/** A fresh, empty store of `backend`; close() removes it (file or database) again. */
export async function tempStore(backend: Backend = defaultBackend): Promise<{ store: Store; close(): Promise<void> }> {
  const store = await backend.open();
  return { store, close: () => store.close() };
}

/**
 * Builds the app on a fresh store of `backend` (default SQLite). `deps`
 * overrides the defaults: maxAttempts 8, private targets refused in live
 * mode, no delivery engine; a `deps.store` is used as is (and not closed).
 */
export async function startApi(deps: Partial<ApiDeps> = {}, backend: Backend = defaultBackend): Promise<ApiHarness> {
  const temp = deps.store === undefined ? await tempStore(backend) : null;
  const store = deps.store ?? (temp as { store: Store }).store;
  const adminToken = `hat_test_${randomBytes(16).toString("hex")}`;
  const secretBox = deps.secretBox ?? new SecretBox(randomBytes(32));
  const app = await buildApp({
    store,
    secretBox,
    adminTokenHash: hashSecret(adminToken),
    maxAttempts: 8,
    allowPrivateTargets: false,
    version: "0.0.0-test",
    ...deps,
  });
  await app.ready();

  const api: ApiHarness["api"] = async (method, path, body, token = adminToken, options = {}) => {
    const headers: Record<string, string> = { ...options.headers };
    if (token !== null) headers.authorization = `Bearer ${token}`;
    let payload: string | Buffer | undefined = options.rawBody;
    if (payload === undefined && body !== undefined) payload = JSON.stringify(body);
    if (payload !== undefined && !Object.keys(headers).some((k) => k.toLowerCase() === "content-type")) {
      headers["content-type"] = "application/json";
    }
    const res = await app.inject({
      method: method as "GET",
      url: path,
      headers,
      ...(payload === undefined ? {} : { payload }),
    });
    let parsed: Json;
    try {
      parsed = JSON.parse(res.body);
    } catch {
      parsed = undefined;
    }
    return { status: res.statusCode, headers: res.headers, body: parsed, text: res.body };
  };

  const key: ApiHarness["key"] = async (accountId, mode) => {
    const res = await api("POST", `/v1/accounts/${accountId}/api_keys`, { mode });
    if (res.status !== 201) throw new Error(`creating a ${mode} key failed: ${res.status} ${res.text}`);
    return res.body.secret as string;
  };

  const account: ApiHarness["account"] = async (options = {}) => {
    const res = await api("POST", "/v1/accounts", {
      name: options.name ?? "Test account",
      plan: options.plan ?? "pro",
    });
    if (res.status !== 201) throw new Error(`creating an account failed: ${res.status} ${res.text}`);
    const id = res.body.id as string;
    return { id, testKey: await key(id, "test"), liveKey: await key(id, "live") };
  };

  return {
    app,
    store,
    secretBox,
    adminToken,
    api,
    account,
    key,
    async close() {
      await app.close();
      if (temp !== null) await temp.close();
    },
  };
}

/** Asserts nothing; returns the error object of a contract error answer, or throws if the body has none. */
export function errorOf(res: ApiResponse): { type: string; code: string; message: string; param?: string } {
  const error = res.body?.error;
  if (error === undefined) throw new Error(`expected an error answer, got ${res.status} ${res.text}`);
  return error;
}

/** An endpoint body for tests: a loopback receiver URL in test mode. */
export function endpointBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { url: `http://127.0.0.1:9/hook-${randomBytes(4).toString("hex")}`, enabled_events: ["*"], ...overrides };
}

/**
 * Settles every due delivery as a worker would, through the real queue
 * (claim, then record one attempt each): `failed` ends it, `retry` keeps it
 * pending, `succeeded` ends it well. Returns the ids it settled.
 */
export async function settleDue(
  store: Store,
  result: "succeeded" | "failed" | "retry",
  attempt: { responseStatus?: number | null; error?: string | null; responseBody?: string | null } = {},
): Promise<string[]> {
  const now = Date.now();
  const claimed = await store.claimDeliveries({ owner: "test-worker", limit: 1000, now, leaseMs: 60_000 });
  const status = attempt.responseStatus === undefined ? (result === "succeeded" ? 200 : 500) : attempt.responseStatus;
  await store.recordOutcomes(
    claimed.map((c) => ({
      deliveryId: c.delivery.id,
      leaseToken: c.leaseToken,
      endpointId: c.endpoint.id,
      attempt: {
        id: newId(ID_PREFIX.attempt),
        deliveryId: c.delivery.id,
        attemptedAt: now,
        durationMs: 12,
        responseStatus: status,
        responseBody: attempt.responseBody ?? (status === null ? null : "ok"),
        responseHeaders: status === null ? null : { "content-type": "text/plain" },
        requestHeaders: { "content-type": "application/json", "webhook-id": c.delivery.eventId },
        error: attempt.error ?? (result === "succeeded" ? null : "http_error"),
        trigger: c.delivery.nextTrigger,
      },
      result: result === "retry" ? { kind: "retry", nextAttemptAt: now + 60_000 } : { kind: result },
      gone: false,
    })),
    { failingForMs: 5 * 86_400_000, minConsecutiveFailures: 20 },
    now,
  );
  return claimed.map((c) => c.delivery.id);
}
