/**
 * The delivery ceiling: the same number of signed POSTs as the scenario,
 * sent straight from undici (one pool, 64 keep-alive connections) to the same
 * sink, with no Herald in between. Each body is signed at send time with
 * `signatureHeaders` from @herald/webhooks (standard scheme, one secret),
 * exactly the work Herald's dispatcher does per attempt; the bodies are built
 * beforehand, as Herald's are (serialised once at ingest).
 *
 * Rate = count / (last arrival at the sink − first send), on one clock.
 */
import { generateSecret, signatureHeaders } from "@herald/webhooks";
import { Pool } from "undici";
import { nowMs } from "./clock.mjs";
import { deliveredEventBody } from "./event-body.mjs";

/** Requests kept outstanding; the pool queues what exceeds its 64 connections, as Herald's lanes do (up to 200 in flight over 10 endpoints). */
const WINDOW = 128;

/**
 * @param {import("./sink-client.mjs").Sink} sink
 * @param {{count: number, paths?: number, name?: string, timeoutMs?: number}} o
 */
export async function measureCeiling(sink, o) {
  const paths = o.paths ?? 10;
  const name = o.name ?? "ceiling";
  const secret = generateSecret();
  const bodies = Array.from({ length: o.count }, (_, i) => deliveredEventBody(i));
  const pool = new Pool(sink.url, { connections: 64, pipelining: 1, keepAliveTimeout: 30_000 });
  let next = 0;
  let errors = 0;
  try {
    await sink.phase(name);
    const started = nowMs();
    const worker = async () => {
      while (next < o.count) {
        const i = next++;
        const { id, body } = /** @type {{id: string, body: string}} */ (bodies[i]);
        const headers = {
          "content-type": "application/json",
          "user-agent": "Herald-bench/ceiling",
          ...signatureHeaders({
            scheme: "standard",
            secrets: [secret],
            id,
            timestamp: Math.floor(Date.now() / 1000),
            body,
          }),
        };
        try {
          const res = await pool.request({ path: `/ok/${name}/${i % paths}`, method: "POST", headers, body });
          await res.body.text();
          if (res.statusCode !== 200) errors++;
        } catch {
          errors++;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(WINDOW, o.count) }, worker));
    const clientDone = nowMs();
    const waited = await sink.waitFor(o.count, o.timeoutMs ?? 120_000);
    const s = await sink.stats();
    const seconds = (s.last - started) / 1000;
    return {
      count: o.count,
      received: s.ok,
      complete: waited.reached,
      errors,
      seconds,
      rate: s.ok / seconds,
      clientSeconds: (clientDone - started) / 1000,
    };
  } finally {
    await pool.close();
  }
}

/**
 * Warm-up, then one measurement before and one after `between` (the scenario),
 * so the ceiling paired with it comes from the same minute of the same run.
 * @template T
 * @param {import("./sink-client.mjs").Sink} sink
 * @param {{count: number, warm: number}} sizes
 * @param {() => Promise<T>} between
 */
export async function withPairedCeiling(sink, sizes, between) {
  await measureCeiling(sink, { count: sizes.warm, name: "ceiling-warm" });
  const before = await measureCeiling(sink, { count: sizes.count, name: "ceiling-before" });
  const result = await between();
  const after = await measureCeiling(sink, { count: sizes.count, name: "ceiling-after" });
  const ceiling = {
    count: sizes.count,
    before: before.rate,
    after: after.rate,
    rate: (before.rate + after.rate) / 2,
    complete: before.complete && after.complete,
    errors: before.errors + after.errors,
  };
  return { ceiling, result };
}
