/**
 * Forwards streamed events to the local handler, one at a time and in
 * order, each signed afresh in the `standard` scheme with the session
 * secret. An event the handler could not take (connection refused, timeout,
 * 429, 502, 503, 504: "down or restarting") is retried with a capped,
 * jittered backoff before the next one is sent, so nothing is lost or
 * reordered while the handler is down. Any other answer (2xx, 4xx, 500) is
 * the handler's verdict: logged, and the next event goes.
 */
import { signatureHeaders } from "@herald/webhooks";
import { request } from "undici";
import { Backoff, sleep } from "./backoff.js";

export interface ForwardItem {
  /** `evt_…`, also `webhook-id`. */
  id: string;
  type: string;
  /** The event JSON exactly as the stream carried it: the bytes signed and sent. */
  body: string;
}

export interface ForwarderOptions {
  /** The local handler. */
  url: string;
  /** The session's `whsec_…`. */
  secret: string;
  /** Sent as `user-agent: Herald-CLI/<version>`. */
  version: string;
  /** Human log lines (`<-- [200] POST …`). */
  log(line: string): void;
  /** An event's forwarding finished (answered or given up): the cursor may move past it. */
  onForwarded(id: string): void;
  /** Per-request timeout. Default 30 000 ms (a handler paused in a debugger gets time). */
  timeoutMs?: number;
  /** Longest wait between retries. Default 10 000 ms. */
  maxRetryDelayMs?: number;
}

/** Statuses that mean "not there right now" rather than "answered". */
const RETRY_STATUSES = new Set([429, 502, 503, 504]);
/** Events held in memory at most; past it the stream is not read (backpressure). */
const MAX_QUEUED = 1000;

export class Forwarder {
  readonly #o: ForwarderOptions;
  readonly #queue: ForwardItem[] = [];
  readonly #stop = new AbortController();
  readonly #backoff: Backoff;
  #draining = false;
  #drained: Promise<void> = Promise.resolve();
  #roomWaiters: (() => void)[] = [];

  constructor(options: ForwarderOptions) {
    this.#o = options;
    this.#backoff = new Backoff({ capMs: options.maxRetryDelayMs ?? 10_000 });
  }

  /** True when nothing is queued or being sent. */
  get idle(): boolean {
    return this.#queue.length === 0;
  }

  /** Queues an event; resolves once there is room for the next one. */
  async enqueue(item: ForwardItem): Promise<void> {
    this.#queue.push(item);
    if (!this.#draining) {
      this.#draining = true;
      this.#drained = this.#drain();
    }
    while (this.#queue.length >= MAX_QUEUED && !this.#stop.signal.aborted) {
      await new Promise<void>((resolve) => this.#roomWaiters.push(resolve));
    }
  }

  /** Stops after the request in flight is abandoned; what is still queued is not sent. */
  async stop(): Promise<void> {
    this.#stop.abort();
    for (const wake of this.#roomWaiters.splice(0)) wake();
    await this.#drained;
  }

  async #drain(): Promise<void> {
    const signal = this.#stop.signal;
    try {
      for (let item = this.#queue[0]; item !== undefined && !signal.aborted; item = this.#queue[0]) {
        const retryIn = await this.#send(item);
        if (signal.aborted) return;
        if (retryIn === null) {
          this.#queue.shift();
          this.#backoff.reset();
          this.#o.onForwarded(item.id);
          for (const wake of this.#roomWaiters.splice(0)) wake();
        } else {
          await sleep(retryIn, signal);
        }
      }
    } finally {
      // In the same tick as the loop's last look at the queue: an enqueue after this
      // starts a new drain, none can slip in between and wait forever.
      this.#draining = false;
    }
  }

  /** Sends once; answers null when done with the event, or the delay before a retry. */
  async #send(item: ForwardItem): Promise<number | null> {
    const { url, secret } = this.#o;
    const headers = {
      "content-type": "application/json",
      "user-agent": `Herald-CLI/${this.#o.version}`,
      ...signatureHeaders({
        scheme: "standard",
        secrets: [secret],
        id: item.id,
        timestamp: Math.floor(Date.now() / 1000),
        body: item.body,
      }),
    };
    const timeout = this.#o.timeoutMs ?? 30_000;
    let outcome: string;
    try {
      const res = await request(url, {
        method: "POST",
        headers,
        body: item.body,
        signal: this.#stop.signal,
        headersTimeout: timeout,
        bodyTimeout: timeout,
      });
      await res.body.dump();
      if (!RETRY_STATUSES.has(res.statusCode)) {
        this.#o.log(`<-- [${res.statusCode}] POST ${url} [${item.id}]`);
        return null;
      }
      outcome = `[${res.statusCode}]`;
    } catch (err) {
      if (this.#stop.signal.aborted) return 0;
      outcome = `[ERR] (${reason(err)})`;
    }
    const delay = this.#backoff.next();
    this.#o.log(`<-- ${outcome} POST ${url} [${item.id}], retrying in ${(delay / 1000).toFixed(1)}s`);
    return delay;
  }
}

function reason(err: unknown): string {
  const { code, message } = err as { code?: string; message?: string };
  return code ?? message ?? String(err);
}
