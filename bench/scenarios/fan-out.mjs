/**
 * The S1 measurement, also S4's empty-queue reference: `events` events
 * ingested over the API by 64 concurrent clients, each fanned out to every
 * endpoint of the account; deliveries per second from the first 202 the
 * clients received to the last delivery the sink received.
 */
import { closedLoop } from "../load.mjs";

/**
 * @param {import("./context.mjs").ScenarioContext} ctx
 * @param {{url: string, key: string, events: number, endpoints: number, phase: string, seqBase?: number}} o
 */
export async function fanOut(ctx, o) {
  const expected = o.events * o.endpoints;
  await ctx.sink.phase(o.phase);
  const ingest = await closedLoop({
    url: o.url,
    key: o.key,
    count: o.events,
    clients: ctx.sizes.clients,
    seqBase: o.seqBase ?? 0,
  });
  // Bounded: ample for 20,000 deliveries at a few hundred per second.
  const waited = await ctx.sink.waitFor(ingest.accepted * o.endpoints, Math.max(60_000, expected * 5));
  const s = await ctx.sink.stats();
  const seconds = (s.last - ingest.firstAccept) / 1000;
  const lasts = s.paths.map((p) => p.last);
  return {
    events: o.events,
    endpoints: o.endpoints,
    expected,
    accepted: ingest.accepted,
    ingestFailed: ingest.failed,
    ingestError: ingest.firstError,
    received: s.ok,
    complete: waited.reached && ingest.accepted === o.events,
    seconds,
    rate: s.ok / seconds,
    ingestSeconds: ingest.seconds,
    ingestRate: ingest.rate,
    /** Last arrival of the slowest endpoint minus that of the fastest: fairness. */
    endpointSpreadMs: lasts.length === 0 ? 0 : Math.max(...lasts) - Math.min(...lasts),
    window: { from: ingest.started, to: s.last },
  };
}
