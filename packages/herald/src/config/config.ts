/**
 * Configuration is resolved once, here: command-line flag, then environment
 * variable, then default (contract §1). The environment is a parameter so
 * tests pass their own.
 */
import { resolve } from "node:path";
import { parseRetrySchedule } from "../delivery/retry-schedule.js";

export interface HeraldConfig {
  /** HTTP port; 0 picks a free one. Default 8080. */
  port: number;
  /** Bind address. Default 127.0.0.1. */
  host: string;
  /** Embedded store and master key file. Default `./.herald`. */
  dataDir: string;
  /** `postgres://…` selects the PostgreSQL store. Default none (SQLite). */
  databaseUrl: string | null;
  /** The operator's bearer token. Default: generated on first start, kept (hashed) in the store. */
  adminToken: string | null;
  /** Allow live-mode endpoints on loopback/private addresses. Default false. */
  allowPrivateTargets: boolean;
  /** Per-attempt timeout in ms. Default 5000. */
  deliveryTimeoutMs: number;
  /** Delays after the 1st, 2nd … failed attempt, in ms. Default 5s,5m,30m,2h,5h,10h,10h. */
  retrySchedule: number[];
  /** Where operator notices go. Default none. */
  operatorWebhookUrl: string | null;
  /** Secret for operator notices. Default: generated and kept on first start. */
  operatorWebhookSecret: string | null;
  /** Age after which events, deliveries and attempts are pruned. Default 30. */
  retentionDays: number;
  /** Run the delivery workers. Default true (`--no-workers` turns them off). */
  workers: boolean;
  /** Serve no API, only deliver (`--workers-only`). Default false. */
  workersOnly: boolean;
  /**
   * How long a claim holds a delivery before another process may take it
   * (`HERALD_LEASE_MS`). Default 30 000. Shorter means faster recovery after
   * a crash; it must stay well above the delivery timeout.
   */
  leaseMs: number;
  /** Master key for secrets at rest (base64 or hex of 32 bytes). Default: `master.key` in the data dir. */
  masterKey: string | null;
  /**
   * API requests per second per credential (`--api-rate-limit`,
   * `HERALD_API_RATE_LIMIT`); counted in each process separately. 0 turns
   * the limit off. Default 100.
   */
  apiRateLimit: number;
  /**
   * How long a client may take to send a whole request, headers and body
   * (`HERALD_REQUEST_TIMEOUT_MS`, for tests); headers must arrive within
   * 10 s or this, whichever is shorter. Default 30 000.
   */
  requestTimeoutMs: number;
  /**
   * DNS servers for endpoint hosts (`HERALD_DNS_SERVERS`, comma-separated
   * `address[:port]`), used by the SSRF check at create/update and by the lookup
   * at delivery. Default null: the system resolver.
   */
  dnsServers: string[] | null;
  /**
   * Threads that sign and send deliveries beside the main thread
   * (`--sender-threads`, `HERALD_SENDER_THREADS`); 0 sends on the main
   * thread. Default 1: the main thread answers the API, writes the store and
   * schedules, a second one does the HTTP (see delivery/sender-threads.ts).
   */
  senderThreads: number;
}

/** What the `serve` command's flags may set; undefined means "not given". */
export interface ServeFlags {
  port?: string;
  host?: string;
  dataDir?: string;
  databaseUrl?: string;
  adminToken?: string;
  allowPrivateTargets?: boolean;
  deliveryTimeout?: string;
  retrySchedule?: string;
  operatorWebhookUrl?: string;
  retentionDays?: string;
  workers?: boolean;
  workersOnly?: boolean;
  apiRateLimit?: string;
  senderThreads?: string;
}

export const DEFAULT_RETRY_SCHEDULE = "5s,5m,30m,2h,5h,10h,10h";

export function resolveConfig(flags: ServeFlags, env: NodeJS.ProcessEnv = process.env): HeraldConfig {
  const pick = (flag: string | undefined, name: string): string | undefined => {
    if (flag !== undefined) return flag;
    const v = env[name];
    return v === undefined || v === "" ? undefined : v;
  };
  const port = int(pick(flags.port, "HERALD_PORT") ?? "8080", "port", 0, 65535);
  const timeout = int(
    pick(flags.deliveryTimeout, "HERALD_DELIVERY_TIMEOUT_MS") ?? "5000",
    "delivery timeout",
    1,
    600_000,
  );
  const retention = int(pick(flags.retentionDays, "HERALD_RETENTION_DAYS") ?? "30", "retention days", 1, 36_500);
  const allowPrivate = flags.allowPrivateTargets === true || truthy(env.HERALD_ALLOW_PRIVATE_TARGETS);
  const workersOnly = flags.workersOnly === true || truthy(env.HERALD_WORKERS_ONLY);
  const workers = flags.workers !== false && !truthy(env.HERALD_NO_WORKERS);
  if (workersOnly && !workers) throw new Error("--workers-only and --no-workers cannot be combined.");
  return {
    port,
    host: pick(flags.host, "HERALD_HOST") ?? "127.0.0.1",
    dataDir: resolve(pick(flags.dataDir, "HERALD_DATA_DIR") ?? "./.herald"),
    databaseUrl: pick(flags.databaseUrl, "HERALD_DATABASE_URL") ?? null,
    adminToken: pick(flags.adminToken, "HERALD_ADMIN_TOKEN") ?? null,
    allowPrivateTargets: allowPrivate,
    deliveryTimeoutMs: timeout,
    retrySchedule: parseRetrySchedule(pick(flags.retrySchedule, "HERALD_RETRY_SCHEDULE") ?? DEFAULT_RETRY_SCHEDULE),
    operatorWebhookUrl: pick(flags.operatorWebhookUrl, "HERALD_OPERATOR_WEBHOOK_URL") ?? null,
    operatorWebhookSecret: pick(undefined, "HERALD_OPERATOR_WEBHOOK_SECRET") ?? null,
    retentionDays: retention,
    workers,
    workersOnly,
    masterKey: pick(undefined, "HERALD_MASTER_KEY") ?? null,
    leaseMs: int(pick(undefined, "HERALD_LEASE_MS") ?? "30000", "lease", 1000, 3_600_000),
    apiRateLimit: int(pick(flags.apiRateLimit, "HERALD_API_RATE_LIMIT") ?? "100", "API rate limit", 0, 1_000_000),
    requestTimeoutMs: int(pick(undefined, "HERALD_REQUEST_TIMEOUT_MS") ?? "30000", "request timeout", 100, 600_000),
    dnsServers: list(pick(undefined, "HERALD_DNS_SERVERS")),
    senderThreads: int(pick(flags.senderThreads, "HERALD_SENDER_THREADS") ?? "1", "sender threads", 0, 64),
  };
}

function list(v: string | undefined): string[] | null {
  const items = (v ?? "")
    .split(",")
    .map((x) => x.trim())
    .filter((x) => x !== "");
  return items.length === 0 ? null : items;
}

function truthy(v: string | undefined): boolean {
  return v !== undefined && ["1", "true", "yes", "on"].includes(v.toLowerCase());
}

function int(text: string, what: string, min: number, max: number): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new Error(`Invalid ${what} '${text}': expected a whole number from ${min} to ${max}.`);
  }
  return n;
}
