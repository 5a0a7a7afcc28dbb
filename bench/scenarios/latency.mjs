/**
 * The S2/S3 measurement: open-loop load at a fixed rate, then accept → receipt
 * per event from the send times the client recorded (and wrote into each
 * event) and the arrival times the sink recorded, on the same monotonic clock.
 *
 * - send → receipt: from the moment the client sent `POST /v1/events` to the
 *   moment the sink had the whole delivery. The headline figure: it includes
 *   the ingest request itself (HTTP, validation, the durable commit).
 * - 202 → receipt: from the moment the 202 arrived at the client. Can be
 *   negative: Herald hands the delivery to its workers and answers the 202 in
 *   the same turn after the commit, so the delivery may overtake the answer.
 */
import { openLoop } from "../load.mjs";
import { round, summarize } from "../stats.mjs";

/**
 * @param {import("./context.mjs").ScenarioContext} ctx
 * @param {{url: string, key: string, rate: number, seconds: number, phase: string, seqBase: number}} o
 */
export async function latencyRun(ctx, o) {
  await ctx.sink.phase(o.phase, true);
  const load = await openLoop({ url: o.url, key: o.key, rate: o.rate, seconds: o.seconds, seqBase: o.seqBase });
  const expected = load.total - load.failed;
  const waited = await ctx.sink.waitFor(expected, 30_000);
  const s = await ctx.sink.stats();
  const lat = s.latency ?? { seq: [], sent: [], arrival: [] };
  /** @type {number[]} */
  const sendToReceipt = [];
  /** @type {number[]} */
  const acceptToReceipt = [];
  const seen = new Uint8Array(load.total);
  let duplicates = 0;
  for (let k = 0; k < lat.seq.length; k++) {
    const i = /** @type {number} */ (lat.seq[k]) - o.seqBase;
    if (!(i >= 0 && i < load.total)) continue;
    if (seen[i] === 1) {
      duplicates++;
      continue;
    }
    seen[i] = 1;
    const arrival = /** @type {number} */ (lat.arrival[k]);
    sendToReceipt.push(arrival - /** @type {number} */ (load.sentAt[i]));
    const accepted = /** @type {number} */ (load.acceptedAt[i]);
    if (!Number.isNaN(accepted)) acceptToReceipt.push(arrival - accepted);
  }
  /** @type {number[]} */
  const sendToAccept = [];
  for (let i = 0; i < load.total; i++) {
    const a = /** @type {number} */ (load.acceptedAt[i]);
    if (!Number.isNaN(a)) sendToAccept.push(a - /** @type {number} */ (load.sentAt[i]));
  }
  return {
    rate: o.rate,
    seconds: o.seconds,
    sent: load.total,
    accepted: sendToAccept.length,
    ingestFailed: load.failed,
    ingestError: load.firstError,
    received: sendToReceipt.length,
    lost: expected - sendToReceipt.length,
    duplicates,
    complete: waited.reached,
    maxPacingLagMs: round(load.maxLagMs),
    /** Headline: client send → sink receipt, ms. */
    sendToReceipt: summarize(sendToReceipt),
    acceptToReceipt: summarize(acceptToReceipt),
    sendToAccept: summarize(sendToAccept),
    /** Requests the failing and hanging endpoints received during the phase (S3). */
    failingRequests: s.fail,
    hangingRequests: s.hang,
    window: { from: load.sentAt[0] ?? 0, to: s.last },
  };
}
