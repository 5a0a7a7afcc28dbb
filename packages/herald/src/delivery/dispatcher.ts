/**
 * Sends one delivery: signs the event body with every live secret of the
 * endpoint, POSTs it with undici under one overall deadline, and reads at
 * most 4 KiB of the answer, on the calling thread. Every end of an attempt
 * is an AttemptResult; only secrets that cannot sign reject.
 */
import { isIP } from "node:net";
import { type SignInput, signatureHeaders } from "@herald/webhooks";
import { Pool } from "undici";
import type { SecretBox } from "../secrets/secret-box.js";
import { AttemptHandler, type AttemptResult, unsentAttempt } from "./attempt-handler.js";
import type { AttemptError } from "./classify-error.js";
import type { Sender, SenderEndpoint } from "./sender.js";
import { guardedLookup, isBlockedAddress, plainLookup } from "./ssrf.js";

/** Connection pools kept open at once (one per endpoint); the least recently used closes beyond it. */
const MAX_POOLS = 2000;

export interface DispatcherOptions {
  /** Per-attempt deadline, connect to last byte read, in ms. */
  timeoutMs: number;
  /** Allow live endpoints on private addresses. Default false. */
  allowPrivateTargets: boolean;
  secretBox: SecretBox;
  /** Sent as `user-agent: Herald/<version>`. */
  version: string;
}

/** What the dispatcher keeps per endpoint between sends, rebuilt when its URL or mode changes. */
interface Target {
  url: string;
  guard: boolean;
  /** Why nothing can be sent to this URL, or null. */
  refusal: AttemptError | null;
  pool: Pool | null;
  path: string;
  /** The endpoint's secrets array these were opened from, and until when they all still sign. */
  secretsOf: SenderEndpoint["secrets"] | null;
  secretsUntil: number;
  secrets: string[];
}

export class Dispatcher implements Sender {
  readonly #o: DispatcherOptions;
  // One keep-alive connection pool per endpoint, not per origin: endpoints
  // that share a host must not share connections, or one that hangs holds
  // the sockets another needs (measured: ten bad endpoints on the healthy
  // one's origin pushed its p99 from milliseconds to seconds). The lane caps
  // how many requests a pool gets. Live pools resolve through the SSRF
  // guard, so the address checked is the one connected to. The URL is
  // parsed and the secrets opened once per endpoint, not per send.
  readonly #targets = new Map<string, Target>();
  readonly #userAgent: string;

  constructor(o: DispatcherOptions) {
    this.#o = o;
    this.#userAgent = `Herald/${o.version}`;
  }

  async close(): Promise<void> {
    const pools = [...this.#targets.values()].flatMap((t) => (t.pool === null ? [] : [t.pool]));
    this.#targets.clear();
    await Promise.all(pools.map((p) => p.close()));
  }

  #target(endpoint: SenderEndpoint): Target {
    const guard = endpoint.mode === "live" && !this.#o.allowPrivateTargets;
    let target = this.#targets.get(endpoint.id);
    if (target !== undefined) {
      // Map order is recency: the least recently used endpoint is first.
      this.#targets.delete(endpoint.id);
      if (target.url === endpoint.url && target.guard === guard) {
        this.#targets.set(endpoint.id, target);
        return target;
      }
      // The URL changed: the old pool finishes what it has and closes.
      void target.pool?.close();
    }
    target = newTarget(endpoint.url, guard, this.#o.timeoutMs);
    this.#targets.set(endpoint.id, target);
    if (this.#targets.size > MAX_POOLS) {
      const [oldest, old] = this.#targets.entries().next().value as [string, Target];
      this.#targets.delete(oldest);
      void old.pool?.close();
    }
    return target;
  }

  /** The secrets that sign now, opened once per endpoint version and kept until the first of them expires. */
  #secrets(target: Target, endpoint: SenderEndpoint, now: number): string[] {
    if (target.secretsOf !== endpoint.secrets || now >= target.secretsUntil) {
      target.secrets = liveSecrets(endpoint, this.#o.secretBox, now);
      target.secretsOf = endpoint.secrets;
      target.secretsUntil = Math.min(
        ...endpoint.secrets.map((s) => (s.expiresAt !== null && s.expiresAt > now ? s.expiresAt : Infinity)),
      );
    }
    return target.secrets;
  }

  send(endpoint: SenderEndpoint, eventId: string, body: string, now: number): Promise<AttemptResult> {
    try {
      return this.#send(endpoint, eventId, body, now);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  #send(endpoint: SenderEndpoint, eventId: string, body: string, now: number): Promise<AttemptResult> {
    const target = this.#target(endpoint);
    if (target.pool === null) return Promise.resolve(unsentAttempt(target.refusal ?? "network_error"));
    const signInput: SignInput = {
      scheme: endpoint.signatureScheme,
      secrets: this.#secrets(target, endpoint, now),
      id: eventId,
      timestamp: Math.floor(now / 1000),
      body,
    };
    if (endpoint.signatureHeader !== null) signInput.signatureHeader = endpoint.signatureHeader;
    if (endpoint.timestampHeader !== null) signInput.timestampHeader = endpoint.timestampHeader;
    const headers: Record<string, string> = {
      "content-type": "application/json",
      "user-agent": this.#userAgent,
      ...signatureHeaders(signInput),
    };
    const pool = target.pool;
    const path = target.path;
    const timeoutMs = this.#o.timeoutMs;
    return new Promise<AttemptResult>((resolve) => {
      const handler = new AttemptHandler(headers, timeoutMs, resolve);
      // The handler's deadline covers the whole attempt; undici's own
      // per-phase timers would only duplicate it.
      pool.dispatch({ path, method: "POST", headers, body, headersTimeout: 0, bodyTimeout: 0 }, handler);
    });
  }
}

function newTarget(url: string, guard: boolean, timeoutMs: number): Target {
  const target: Target = {
    url,
    guard,
    refusal: null,
    pool: null,
    path: "/",
    secretsOf: null,
    secretsUntil: 0,
    secrets: [],
  };
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    target.refusal = "network_error";
    return target;
  }
  const host = parsed.hostname.replace(/^\[|\]$/g, "");
  if (guard && isIP(host) !== 0 && isBlockedAddress(host)) {
    target.refusal = "ssrf_blocked";
    return target;
  }
  target.path = `${parsed.pathname}${parsed.search}`;
  target.pool = new Pool(parsed.origin, {
    keepAliveTimeout: 30_000,
    pipelining: 1,
    // Both resolve through `HERALD_DNS_SERVERS` when the operator set it.
    // A connection that takes longer than the attempt is given up with it.
    connect: { lookup: (guard ? guardedLookup : plainLookup) as never, timeout: timeoutMs },
  });
  return target;
}

/** The decrypted secrets that still sign: the current one and any rotated one not yet expired. */
export function liveSecrets(endpoint: SenderEndpoint, box: SecretBox, now: number): string[] {
  return endpoint.secrets.filter((s) => s.expiresAt === null || s.expiresAt > now).map((s) => box.open(s.ciphertext));
}
