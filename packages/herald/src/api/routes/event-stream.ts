/**
 * GET /v1/events/stream: the account's test-mode events as Server-Sent
 * Events, for `herald listen` (and any EventSource). Every event created
 * after the cursor is sent once as `id: evt_…`, `event: event`,
 * `data: <the event JSON, exactly as endpoints receive it>`; a `ready` event
 * comes first and a comment every 15 s keeps proxies from closing an idle
 * stream. A client resumes with `Last-Event-ID` (or `?after=`).
 */
import { once } from "node:events";
import type { ServerResponse } from "node:http";
import { Type } from "@sinclair/typebox";
import { HeraldError, invalid, notFound } from "../../domain/errors.js";
import { typeMatches } from "../../domain/event-types.js";
import type { HeraldEvent } from "../../domain/types.js";
import { accountOf } from "../auth.js";
import type { ApiDeps } from "../deps.js";
import { loadCatalogue } from "../event-catalogue.js";
import type { Api } from "../type-provider.js";
import { EventFeed } from "./event-feed.js";

/** How often the store is read for new events. */
const POLL_MS = 250;
/** A comment this often keeps the connection busy for proxies and lets clients detect a dead one. */
export const HEARTBEAT_MS = 15_000;
/** Open streams per account and mode at most: each one polls the store. */
const MAX_STREAMS_PER_SCOPE = 10;
/** The cursor that means "before the account's first event". */
export const BEGINNING = "beginning";

const StreamQuery = Type.Object(
  {
    types: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 2000,
        description: "Comma-separated event types to send (`payment.*` and `*` work). Default: all.",
      }),
    ),
    after: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 255,
        description:
          "Send the events created after this event id (`beginning`: from the account's first event). " +
          "Default: from now on. `Last-Event-ID` takes precedence.",
      }),
    ),
  },
  { additionalProperties: false },
);

const StreamHeaders = Type.Object({
  "last-event-id": Type.Optional(
    Type.String({ description: "Resume after this event id: EventSource sends it when it reconnects." }),
  ),
});

export function eventStreamRoutes(app: Api, deps: ApiDeps): void {
  const { store } = deps;
  const open = new Set<() => void>();
  const perScope = new Map<string, number>();
  // Fastify's close waits for open requests: end the streams first, or `serve` never stops.
  app.addHook("preClose", async () => {
    for (const close of open) close();
  });

  app.get(
    "/v1/events/stream",
    {
      config: { auth: "account" },
      schema: {
        tags: ["Events"],
        summary: "Stream test-mode events as Server-Sent Events (for `herald listen`)",
        description:
          "Test keys only (a live key gets 403 `test_mode_only`). Sends `event: ready` with the starting cursor, " +
          "then each event created after it once, oldest first, as `id: evt_…`, `event: event`, " +
          "`data: <the event JSON>`; a `: heartbeat` comment every 15 s. Reconnect with `Last-Event-ID` " +
          "(or `?after=`) to resume where the stream stopped.",
        querystring: StreamQuery,
        headers: StreamHeaders,
        response: {
          200: {
            description: "An endless `text/event-stream`.",
            content: { "text/event-stream": { schema: { type: "string" } } },
          },
        },
      },
    },
    async (request, reply) => {
      const { scope } = accountOf(request);
      if (scope.mode !== "test") {
        throw new HeraldError(
          "permission_error",
          "test_mode_only",
          "The event stream carries test-mode events only: use an sk_test_ key (live events go to your endpoints).",
        );
      }
      const scopeKey = `${scope.accountId}:${scope.mode}`;
      if ((perScope.get(scopeKey) ?? 0) >= MAX_STREAMS_PER_SCOPE) {
        throw new HeraldError(
          "rate_limit_error",
          "too_many_streams",
          `This account already has ${MAX_STREAMS_PER_SCOPE} event streams open: close one (stop a \`herald listen\`) first.`,
        );
      }
      const patterns = await typeFilter(deps, request.query.types);
      const cursor = request.headers["last-event-id"] || request.query.after;
      let anchor: string | null;
      if (cursor === undefined) {
        anchor = await EventFeed.newestId(store, scope);
      } else if (cursor === BEGINNING) {
        anchor = null;
      } else {
        if ((await store.getEvent(scope, cursor)) === null) throw notFound("event", cursor);
        anchor = cursor;
      }
      const feed = new EventFeed(store, scope, anchor, (type) => patterns.some((p) => typeMatches(p, type)));

      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        "content-type": "text/event-stream; charset=utf-8",
        "cache-control": "no-cache, no-transform",
        connection: "keep-alive",
        // nginx buffers responses unless told otherwise.
        "x-accel-buffering": "no",
      });
      res.flushHeaders();
      const stream = new Stream(res);
      open.add(stream.close);
      // The response's `close` is the connection's end (client gone, or server closing).
      res.once("close", stream.close);
      perScope.set(scopeKey, (perScope.get(scopeKey) ?? 0) + 1);
      try {
        await stream.send(`retry: 2000\n${message("ready", JSON.stringify({ cursor: anchor }), anchor ?? BEGINNING)}`);
        await pump(feed, stream, request.log);
      } finally {
        open.delete(stream.close);
        stream.close();
        const left = (perScope.get(scopeKey) ?? 1) - 1;
        if (left === 0) perScope.delete(scopeKey);
        else perScope.set(scopeKey, left);
      }
    },
  );
}

/** Polls the feed and writes what it returns until the stream closes. */
async function pump(feed: EventFeed, stream: Stream, log: { warn(obj: object, msg: string): void }): Promise<void> {
  let lastWrite = Date.now();
  while (!stream.closed) {
    let events: HeraldEvent[];
    try {
      events = await feed.poll();
    } catch (err) {
      // The client reconnects (with its Last-Event-ID) and gets a 5xx until the store is back.
      log.warn({ err }, "event stream: store read failed, closing the stream");
      await stream.send(message("error", JSON.stringify({ message: "store unavailable, reconnect" })));
      return;
    }
    for (const event of events) {
      // Waits for `drain`: a client that stops reading slows the polling down instead of
      // growing this process's write buffer.
      await stream.send(message("event", event.body, event.id));
      lastWrite = Date.now();
    }
    if (Date.now() - lastWrite >= HEARTBEAT_MS) {
      await stream.send(": heartbeat\n\n");
      lastWrite = Date.now();
    }
    await stream.sleep(POLL_MS);
  }
}

/** One SSE message; every line of `data` gets its own `data:` field, as the format requires. */
function message(event: string, data: string, id?: string): string {
  const lines = data.split(/\r\n|\r|\n/).map((line) => `data: ${line}\n`);
  return `${id === undefined ? "" : `id: ${id}\n`}event: ${event}\n${lines.join("")}\n`;
}

/** The response of one stream: writes that respect backpressure, and a sleep that ends with it. */
class Stream {
  closed = false;
  readonly #res: ServerResponse;
  #wake: (() => void) | null = null;

  constructor(res: ServerResponse) {
    this.#res = res;
  }

  readonly close = (): void => {
    if (this.closed) return;
    this.closed = true;
    this.#wake?.();
    if (!this.#res.writableEnded) this.#res.end();
  };

  async send(chunk: string): Promise<void> {
    if (this.closed || this.#res.write(chunk)) return;
    const stop = new AbortController();
    const waits = [
      once(this.#res, "drain", { signal: stop.signal }),
      once(this.#res, "close", { signal: stop.signal }),
    ];
    try {
      await Promise.race(waits);
    } finally {
      stop.abort(); // removes the listener that did not fire
      for (const wait of waits) wait.catch(() => {});
    }
  }

  sleep(ms: number): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const done = (): void => {
        clearTimeout(timer);
        this.#wake = null;
        resolve();
      };
      timer = setTimeout(done, ms);
      this.#wake = done;
    });
  }
}

/** `?types=` → patterns, each a known type, a `prefix.*` matching one, or `*`. */
async function typeFilter(deps: ApiDeps, types: string | undefined): Promise<string[]> {
  if (types === undefined) return ["*"];
  const patterns = types
    .split(",")
    .map((t) => t.trim())
    .filter((t) => t !== "");
  if (patterns.length === 0) return ["*"];
  const catalogue = await loadCatalogue(deps.store);
  for (const pattern of patterns) {
    if (!catalogue.some((t) => typeMatches(pattern, t.name))) {
      throw invalid(
        "unknown_event_type",
        `Unknown event type '${pattern}' in types: use names GET /v1/event_types lists, a prefix such as payment.*, or *.`,
        "types",
      );
    }
  }
  return patterns;
}
