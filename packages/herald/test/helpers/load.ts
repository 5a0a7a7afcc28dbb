/**
 * A load of events over the HTTP API: concurrent clients emitting
 * `payment.succeeded` events and collecting the ids that were accepted (202).
 * The crash and scale tests use it to prove that nothing accepted is lost.
 */
import { randomBytes } from "node:crypto";
import { request } from "undici";

export interface LoadOptions {
  /** The server to send the next request to; asked per request, so a test can swap processes under the load. */
  target: () => string;
  /** A test-mode secret key of the account. */
  key: string;
  /** How many events to emit. */
  count: number;
  /** Concurrent clients. Default 12. */
  clients?: number;
  /**
   * Retry a request that got no answer (connection refused or reset, a 5xx, a 429)
   * with the same event `id` until it is answered, the way a careful client
   * would; the contract emits a repeated `id` once. Default false: a request
   * without an answer is counted as refused and not sent again.
   */
  retry?: boolean;
}

export interface Load {
  /** Ids of the events that got a 202. */
  accepted: Set<string>;
  /** Requests that ended without a 202 and were not sent again. */
  refused(): number;
  /** Requests sent again after no answer (only with `retry`). */
  retried(): number;
  /** Resolves when every client is done. */
  done: Promise<void>;
}

/** Starts the load; it runs until `count` events were emitted (and, with `retry`, answered). */
export function startLoad(o: LoadOptions): Load {
  const accepted = new Set<string>();
  const run = randomBytes(4).toString("hex");
  let next = 0;
  let refused = 0;
  let retried = 0;
  const emit = async (i: number): Promise<void> => {
    const id = `evt_load_${run}_${i}`;
    for (;;) {
      let status = 0;
      try {
        const res = await request(`${o.target()}/v1/events`, {
          method: "POST",
          headers: { authorization: `Bearer ${o.key}`, "content-type": "application/json" },
          body: JSON.stringify({ id, type: "payment.succeeded", data: { object: { n: i } } }),
        });
        status = res.statusCode;
        const body = (await res.body.json()) as { id?: string };
        if (status === 202 && typeof body.id === "string") {
          accepted.add(body.id);
          return;
        }
      } catch {
        // No answer: the process died or restarts, or the database blinked.
      }
      // A 4xx other than 429 is an answer: sending the same request again changes nothing.
      if (o.retry !== true || (status >= 400 && status < 500 && status !== 429)) {
        refused++;
        return;
      }
      retried++;
      await new Promise((res) => setTimeout(res, 50));
    }
  };
  const client = async () => {
    while (next < o.count) await emit(next++);
  };
  const done = Promise.all(Array.from({ length: o.clients ?? 12 }, client)).then(() => undefined);
  return { accepted, done, refused: () => refused, retried: () => retried };
}
