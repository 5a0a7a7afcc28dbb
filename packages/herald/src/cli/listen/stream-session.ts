/**
 * The connection to GET /v1/events/stream, kept up for as long as `listen`
 * runs: reconnects with a capped, jittered backoff, and resumes after the
 * last event it received (the forwarder still holds any it has not sent).
 * A stream with no bytes for 45 s (three missed heartbeats) is taken for
 * dead and replaced.
 */
import { request } from "undici";
import { type ApiClient, ApiError, apiError } from "../api-client.js";
import { Backoff, sleep } from "./backoff.js";
import type { ForwardItem } from "./forwarder.js";
import { SseParser } from "./sse-parser.js";

const IDLE_TIMEOUT_MS = 45_000;
/** The cursor the server uses for "before the account's first event". */
export const BEGINNING = "beginning";

export interface StreamSessionOptions {
  api: ApiClient;
  /** `?types=`; undefined for every type. */
  types: string | undefined;
  /** Resume after this event (or `beginning`); undefined starts from now. */
  cursor: string | undefined;
  signal: AbortSignal;
  /** The stream is live from `cursor`; `first` is true once per process. */
  onReady(cursor: string, first: boolean): void;
  /** An event arrived; resolve when the next one may be read. */
  onEvent(item: ForwardItem): Promise<void>;
  /** Connection trouble, for stderr. */
  warn(line: string): void;
}

/**
 * Runs until `signal` aborts. Throws the ApiError of an answer that retrying
 * cannot fix (a bad or revoked key, a live key, an unknown type).
 */
export async function runStreamSession(o: StreamSessionOptions): Promise<void> {
  const backoff = new Backoff({ capMs: 10_000 });
  let cursor = o.cursor;
  let readyOnce = false;
  while (!o.signal.aborted) {
    const query = new URLSearchParams();
    if (o.types !== undefined) query.set("types", o.types);
    if (cursor !== undefined) query.set("after", cursor);
    const path = `/v1/events/stream${query.size > 0 ? `?${query}` : ""}`;
    let problem: string;
    try {
      const res = await request(`${o.api.url}${path}`, {
        headers: o.api.headers({ accept: "text/event-stream" }),
        signal: o.signal,
        headersTimeout: 30_000,
        bodyTimeout: IDLE_TIMEOUT_MS,
      });
      if (res.statusCode !== 200) {
        const error = apiError(res.statusCode, await res.body.json().catch(() => undefined));
        if (res.statusCode === 404 && error.code === "resource_missing" && cursor !== undefined) {
          o.warn(`The saved position ${cursor} is no longer on the server (pruned?): starting from now.`);
          cursor = undefined;
          continue;
        }
        if (res.statusCode < 500 && res.statusCode !== 429) throw error;
        problem = error.message;
      } else {
        const parser = new SseParser();
        const decoder = new TextDecoder();
        for await (const chunk of res.body) {
          for (const message of parser.push(decoder.decode(chunk as Uint8Array, { stream: true }))) {
            if (message.event === "ready") {
              const start = (JSON.parse(message.data) as { cursor: string | null }).cursor ?? BEGINNING;
              cursor = start;
              backoff.reset();
              o.onReady(start, !readyOnce);
              readyOnce = true;
            } else if (message.event === "event" && message.id !== undefined) {
              cursor = message.id;
              const { type } = JSON.parse(message.data) as { type: string };
              await o.onEvent({ id: message.id, type, body: message.data });
            }
          }
        }
        problem = "the server closed the stream";
      }
    } catch (err) {
      if (o.signal.aborted) return;
      if (err instanceof ApiError) throw err;
      const { code, message } = err as { code?: string; message?: string };
      problem = code ?? message ?? String(err);
    }
    const delay = backoff.next();
    o.warn(`Lost the event stream from ${o.api.url} (${problem}); reconnecting in ${(delay / 1000).toFixed(1)}s…`);
    await sleep(delay, o.signal);
  }
}
