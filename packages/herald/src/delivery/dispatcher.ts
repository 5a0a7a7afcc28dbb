/**
 * Sends one delivery: signs the event body with every live secret of the
 * endpoint, POSTs it with undici under one overall deadline, and reads at
 * most 4 KiB of the answer. It never throws: every end is an AttemptResult.
 */
import { isIP } from "node:net";
import { signatureHeaders } from "@herald/webhooks";
import { Pool, type Dispatcher as UndiciDispatcher } from "undici";
import type { Endpoint } from "../domain/types.js";
import type { SecretBox } from "../secrets/secret-box.js";
import { type AttemptError, classifyError } from "./classify-error.js";
import { parseRetryAfter } from "./retry-policy.js";
import { guardedLookup, isBlockedAddress, plainLookup } from "./ssrf.js";

/** Connection pools kept open at once (one per endpoint); the least recently used closes beyond it. */
const MAX_POOLS = 2000;

/** How much of a response body the attempt log keeps. */
export const RESPONSE_BODY_LIMIT = 4096;

export interface DispatcherOptions {
  /** Per-attempt deadline, connect to last byte read, in ms. */
  timeoutMs: number;
  /** Allow live endpoints on private addresses. Default false. */
  allowPrivateTargets: boolean;
  secretBox: SecretBox;
  /** Sent as `user-agent: Herald/<version>`. */
  version: string;
}

export interface AttemptResult {
  ok: boolean;
  status: number | null;
  body: string | null;
  headers: Record<string, string> | null;
  /** The request headers sent; null when the request never left. */
  requestHeaders: Record<string, string> | null;
  error: AttemptError | null;
  durationMs: number;
  retryAfterMs: number | null;
}

export class Dispatcher {
  readonly #o: DispatcherOptions;
  // One keep-alive connection pool per endpoint, not per origin: endpoints
  // that share a host must not share connections, or one that hangs holds
  // the sockets another needs (measured: ten bad endpoints on the healthy
  // one's origin pushed its p99 from milliseconds to seconds). The lane caps
  // how many requests a pool gets. Live pools resolve through the SSRF
  // guard, so the address checked is the one connected to.
  readonly #pools = new Map<string, Pool>();
  readonly #userAgent: string;

  constructor(o: DispatcherOptions) {
    this.#o = o;
    this.#userAgent = `Herald/${o.version}`;
  }

  async close(): Promise<void> {
    const pools = [...this.#pools.values()];
    this.#pools.clear();
    await Promise.all(pools.map((p) => p.close()));
  }

  #pool(endpointId: string, origin: string, guard: boolean): Pool {
    const key = `${endpointId} ${origin} ${guard ? "g" : "o"}`;
    let pool = this.#pools.get(key);
    if (pool !== undefined) {
      // Map order is recency: the least recently used pool is first.
      this.#pools.delete(key);
      this.#pools.set(key, pool);
      return pool;
    }
    pool = new Pool(origin, {
      keepAliveTimeout: 30_000,
      pipelining: 1,
      // Both resolve through `HERALD_DNS_SERVERS` when the operator set it.
      connect: { lookup: (guard ? guardedLookup : plainLookup) as never },
    });
    this.#pools.set(key, pool);
    if (this.#pools.size > MAX_POOLS) {
      const [oldest, old] = this.#pools.entries().next().value as [string, Pool];
      this.#pools.delete(oldest);
      void old.close();
    }
    return pool;
  }

  async send(endpoint: Endpoint, eventId: string, body: string, now: number): Promise<AttemptResult> {
    const started = performance.now();
    let requestHeaders: Record<string, string> | null = null;
    const result = (partial: Omit<AttemptResult, "durationMs" | "requestHeaders">): AttemptResult => ({
      ...partial,
      requestHeaders,
      durationMs: Math.round(performance.now() - started),
    });
    let url: URL;
    try {
      url = new URL(endpoint.url);
    } catch {
      return result({ ok: false, status: null, body: null, headers: null, error: "network_error", retryAfterMs: null });
    }
    const guard = endpoint.mode === "live" && !this.#o.allowPrivateTargets;
    const host = url.hostname.replace(/^\[|\]$/g, "");
    if (guard && isIP(host) !== 0 && isBlockedAddress(host)) {
      return result({ ok: false, status: null, body: null, headers: null, error: "ssrf_blocked", retryAfterMs: null });
    }

    const headers: Record<string, string> = {
      "content-type": "application/json",
      "user-agent": this.#userAgent,
      ...signatureHeaders({
        scheme: endpoint.signatureScheme,
        secrets: liveSecrets(endpoint, this.#o.secretBox, now),
        id: eventId,
        timestamp: Math.floor(now / 1000),
        body,
        ...(endpoint.signatureHeader === null ? {} : { signatureHeader: endpoint.signatureHeader }),
        ...(endpoint.timestampHeader === null ? {} : { timestampHeader: endpoint.timestampHeader }),
      }),
    };

    requestHeaders = headers;
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, this.#o.timeoutMs);
    try {
      const res = await this.#pool(endpoint.id, url.origin, guard).request({
        path: `${url.pathname}${url.search}`,
        method: "POST",
        headers,
        body,
        signal: controller.signal,
        headersTimeout: this.#o.timeoutMs,
        bodyTimeout: this.#o.timeoutMs,
      });
      const status = res.statusCode;
      const responseHeaders = flattenHeaders(res.headers);
      let text: string;
      try {
        text = await readLimited(res.body, RESPONSE_BODY_LIMIT);
      } catch (err) {
        // The answer began (a status, maybe a 2xx) but never finished: the
        // receiver closed mid-body or trickled past the deadline. Not a
        // success, since it did not answer within the timeout; the status
        // stays in the log so its operator sees how far it got.
        return result({
          ok: false,
          status,
          body: null,
          headers: responseHeaders,
          error: classifyError(err, timedOut),
          retryAfterMs: null,
        });
      }
      const redirect = status >= 300 && status < 400;
      return result({
        ok: status >= 200 && status < 300,
        status,
        body: text,
        headers: responseHeaders,
        error: status >= 200 && status < 300 ? null : redirect ? "redirect" : "http_error",
        retryAfterMs: parseRetryAfter(responseHeaders["retry-after"], Date.now()),
      });
    } catch (err) {
      return result({
        ok: false,
        status: null,
        body: null,
        headers: null,
        error: classifyError(err, timedOut),
        retryAfterMs: null,
      });
    } finally {
      clearTimeout(timer);
    }
  }
}

/** The decrypted secrets that still sign: the current one and any rotated one not yet expired. */
export function liveSecrets(endpoint: Endpoint, box: SecretBox, now: number): string[] {
  return endpoint.secrets.filter((s) => s.expiresAt === null || s.expiresAt > now).map((s) => box.open(s.ciphertext));
}

/**
 * Reads up to `limit` bytes, then stops: a receiver answering with a huge
 * (or endless) body must not cost memory or hold the slot. Dropping the rest
 * closes that connection; small answers are read whole and keep it alive.
 */
async function readLimited(body: UndiciDispatcher.ResponseData["body"], limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const buf = chunk as Buffer;
    chunks.push(buf);
    size += buf.length;
    if (size >= limit) {
      body.destroy();
      break;
    }
  }
  return Buffer.concat(chunks).subarray(0, limit).toString("utf8");
}

function flattenHeaders(h: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) {
    if (v !== undefined) out[k] = Array.isArray(v) ? v.join(", ") : v;
  }
  return out;
}
