/**
 * One attempt's answer, collected from undici's `dispatch()` callbacks: the
 * status, the headers and at most `RESPONSE_BODY_LIMIT` bytes of the body,
 * under one deadline from the moment the attempt starts to the last byte.
 *
 * Why a handler and not `pool.request()`: request() wraps every answer in a
 * Readable stream, an AbortSignal and a promise chain, and reading the body
 * through its async iterator cost more than the POST itself. Measured in
 * the dispatcher alone against the sink of `npm run bench` (20,000 signed
 * POSTs, 10 endpoints, 128 at once): 97 µs of CPU per attempt with
 * request(), an AbortController and the iterator; 45 µs with this handler
 * (and the per-endpoint state in dispatcher.ts); 60 µs for the ceiling's
 * plain request() loop.
 */
import type { Dispatcher as UndiciDispatcher } from "undici";
import { type AttemptError, classifyError } from "./classify-error.js";
import { parseRetryAfter } from "./retry-policy.js";

/** How much of a response body the attempt log keeps. */
export const RESPONSE_BODY_LIMIT = 4096;

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

/** An attempt without an answer to log: refused before sending (no request headers either), or lost. */
export function unsentAttempt(error: AttemptError): AttemptResult {
  return {
    ok: false,
    status: null,
    body: null,
    headers: null,
    requestHeaders: null,
    error,
    durationMs: 0,
    retryAfterMs: null,
  };
}

/** Why the handler itself aborted a request: its body reached the limit. */
class BodyLimitReached extends Error {}

export class AttemptHandler implements UndiciDispatcher.DispatchHandler {
  readonly #requestHeaders: Record<string, string>;
  readonly #started: number;
  readonly #resolve: (result: AttemptResult) => void;
  #controller: UndiciDispatcher.DispatchController | null = null;
  #timer: NodeJS.Timeout | null;
  #settled = false;
  #status: number | null = null;
  #headers: Record<string, string> | null = null;
  #chunks: Buffer[] = [];
  #size = 0;

  /**
   * @param timeoutMs the whole attempt's deadline. One Node timer per
   * attempt: timers of the same duration share one list inside Node, so
   * creating and clearing one is O(1) and cheap, unlike an AbortController
   * and its signal per attempt.
   */
  constructor(requestHeaders: Record<string, string>, timeoutMs: number, resolve: (r: AttemptResult) => void) {
    this.#requestHeaders = requestHeaders;
    this.#started = performance.now();
    this.#resolve = resolve;
    this.#timer = setTimeout(() => this.#expire(), timeoutMs);
  }

  onRequestStart(controller: UndiciDispatcher.DispatchController): void {
    // A request still queued for a connection when its deadline passed was
    // answered "timeout" already; it must not go out late.
    if (this.#settled) controller.abort(new Error("deadline passed before the request was sent"));
    else this.#controller = controller;
  }

  onResponseStart(
    _controller: UndiciDispatcher.DispatchController,
    statusCode: number,
    headers: Record<string, string | string[] | undefined>,
  ): void {
    this.#status = statusCode;
    this.#headers = flattenHeaders(headers);
  }

  onResponseData(controller: UndiciDispatcher.DispatchController, chunk: Buffer): void {
    if (this.#settled) return;
    this.#chunks.push(chunk);
    this.#size += chunk.length;
    // Enough for the log: a receiver answering with a huge (or endless) body
    // must not cost memory or hold the slot. Aborting closes that connection;
    // small answers are read whole and keep it alive.
    if (this.#size >= RESPONSE_BODY_LIMIT) controller.abort(new BodyLimitReached());
  }

  onResponseEnd(): void {
    this.#answered();
  }

  onResponseError(_controller: UndiciDispatcher.DispatchController, error: Error): void {
    if (error instanceof BodyLimitReached) {
      this.#answered();
      return;
    }
    // If the answer began (a status, maybe a 2xx) but never finished, the
    // receiver closed mid-body: not a success, and the status and headers
    // stay in the log so its operator sees how far it got.
    this.#settle(false, this.#status, null, this.#headers, classifyError(error, false), null);
  }

  #answered(): void {
    if (this.#settled) return;
    const status = this.#status as number;
    const headers = this.#headers ?? {};
    const body =
      this.#chunks.length === 1
        ? (this.#chunks[0] as Buffer).toString("utf8", 0, RESPONSE_BODY_LIMIT)
        : Buffer.concat(this.#chunks, this.#size).toString("utf8", 0, RESPONSE_BODY_LIMIT);
    const ok = status >= 200 && status < 300;
    const error: AttemptError | null = ok ? null : status >= 300 && status < 400 ? "redirect" : "http_error";
    const retryAfter = ok ? null : parseRetryAfter(headers["retry-after"], Date.now());
    this.#settle(ok, status, body, headers, error, retryAfter);
  }

  /** The deadline passed: whatever has not arrived by now is a timeout, a 2xx that trickles included. */
  #expire(): void {
    this.#timer = null;
    if (this.#settled) return;
    this.#settle(false, this.#status, null, this.#headers, "timeout", null);
    this.#controller?.abort(new Error("attempt deadline passed"));
  }

  #settle(
    ok: boolean,
    status: number | null,
    body: string | null,
    headers: Record<string, string> | null,
    error: AttemptError | null,
    retryAfterMs: number | null,
  ): void {
    if (this.#settled) return;
    this.#settled = true;
    if (this.#timer !== null) {
      clearTimeout(this.#timer);
      this.#timer = null;
    }
    this.#chunks = [];
    this.#resolve({
      ok,
      status,
      body,
      headers,
      requestHeaders: this.#requestHeaders,
      error,
      durationMs: Math.round(performance.now() - this.#started),
      retryAfterMs,
    });
  }
}

/** undici gives repeated headers as arrays; the attempt log keeps one string per name. */
function flattenHeaders(h: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k in h) {
    const v = h[k];
    if (v !== undefined) out[k] = typeof v === "string" ? v : v.join(", ");
  }
  return out;
}
