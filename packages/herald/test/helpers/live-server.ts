/**
 * A real `herald serve` inside the test process (port 0, its own data dir),
 * talked to over HTTP like any client would.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { request } from "undici";
import { resolveConfig, type ServeFlags } from "../../src/config/config.js";
import { type RunningServer, type StartOptions, startServer } from "../../src/server/start.js";

export interface ApiResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: any;
}

export interface LiveHerald {
  url: string;
  adminToken: string;
  dataDir: string;
  server: RunningServer;
  /** Lines the server printed (startup line, first-start secrets). */
  printed: string[];
  /** Calls the API with a bearer token (the operator's unless given). */
  api(
    method: string,
    path: string,
    body?: unknown,
    token?: string,
    headers?: Record<string, string>,
  ): Promise<ApiResponse>;
  /** A `pro` account with a test and a live key. */
  account(name?: string): Promise<{ id: string; testKey: string; liveKey: string }>;
  stop(): Promise<void>;
}

export async function startHerald(
  flags: ServeFlags = {},
  options: Pick<StartOptions, "engine"> & { env?: NodeJS.ProcessEnv } = {},
): Promise<LiveHerald> {
  const dataDir = flags.dataDir ?? mkdtempSync(join(tmpdir(), "herald-live-"));
  const adminToken = flags.adminToken ?? `hat_test_${randomBytes(12).toString("hex")}`;
  // No API rate limit unless a test sets one: suites fire bursts through one key.
  const config = resolveConfig(
    { port: "0", ...flags, dataDir, adminToken },
    { HERALD_API_RATE_LIMIT: "0", ...options.env },
  );
  const printed: string[] = [];
  const server = await startServer(config, {
    print: (l) => printed.push(l),
    logger: pino({ level: process.env.HERALD_TEST_LOG ?? "silent" }),
    ...(options.engine === undefined ? {} : { engine: options.engine }),
  });
  const api: LiveHerald["api"] = async (method, path, body, token = adminToken, headers = {}) => {
    const res = await request(`${server.url}${path}`, {
      method: method as "GET",
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
    });
    const text = await res.body.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON: keep the text
    }
    return { status: res.statusCode, headers: res.headers, body: parsed };
  };
  return {
    url: server.url,
    adminToken,
    dataDir,
    server,
    printed,
    api,
    async account(name = "Seller") {
      const acct = await api("POST", "/v1/accounts", { name });
      if (acct.status !== 201 && acct.status !== 200)
        throw new Error(`account: ${acct.status} ${JSON.stringify(acct.body)}`);
      const test = await api("POST", `/v1/accounts/${acct.body.id}/api_keys`, { mode: "test" });
      const live = await api("POST", `/v1/accounts/${acct.body.id}/api_keys`, { mode: "live" });
      return { id: acct.body.id as string, testKey: test.body.secret as string, liveKey: live.body.secret as string };
    },
    stop: () => server.stop(),
  };
}

/** Polls `fn` until it returns a truthy value (or fails after `timeoutMs`). */
export async function eventually<T>(
  fn: () => Promise<T | null | undefined | false>,
  timeoutMs = 15_000,
  what = "condition",
): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < until) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}${last === undefined ? "" : `: ${String(last)}`}`);
}
