/**
 * S4 backlog: 1,000,000 pending deliveries (100,000 events × 10 endpoints)
 * written while no worker runs, then workers start and claim them. Compared
 * with the empty-queue rate of the same account and endpoints (an S1-like
 * fan-out measured first, in the same run), with the peak RSS of the Herald
 * process(es) while they drain.
 *
 * Pre-load: SQLite through the store module (preload-sqlite.mjs) with Herald
 * stopped; PostgreSQL through the API process (`--no-workers`) with 64
 * concurrent clients while the worker processes are stopped.
 */
import { withPairedCeiling } from "../ceiling.mjs";
import { nowMs } from "../clock.mjs";
import { setupAccount } from "../herald-api.mjs";
import { startCluster } from "../herald-cluster.mjs";
import { closedLoop } from "../load.mjs";
import { preloadSqlite } from "../preload-sqlite.mjs";
import { sampleMemory } from "../rss.mjs";
import { sinkUrls } from "./context.mjs";
import { fanOut } from "./fan-out.mjs";

/** @param {import("./context.mjs").ScenarioContext} ctx */
export async function runS4(ctx) {
  const z = ctx.sizes.s4;
  const cluster = await startCluster(ctx, { name: "s4", workers: true });
  try {
    const acct = await setupAccount(cluster.url, cluster.adminToken, sinkUrls(ctx.sink.url, "ok", "s4", z.endpoints));
    const run = (/** @type {number} */ events, /** @type {string} */ phase, /** @type {number} */ seqBase) =>
      fanOut(ctx, { url: cluster.url, key: acct.key, events, endpoints: z.endpoints, phase, seqBase });
    ctx.log(`  warm-up, then the empty-queue rate: ${z.emptyEvents} events × ${z.endpoints} endpoints`);
    await run(z.warmEvents, "s4-warm", 0);
    const memEmpty = sampleMemory(cluster.processes().map((p) => p.pid));
    const { ceiling, result: empty } = await withPairedCeiling(
      ctx.sink,
      { count: z.emptyEvents * z.endpoints, warm: ctx.sizes.ceilingWarm },
      () => run(z.emptyEvents, "s4-empty", 1_000_000),
    );
    const emptyMemory = memEmpty.peak();
    ctx.window("s4", empty.window.from, empty.window.to);

    await cluster.stopWorkers();
    const backlog = z.events * z.endpoints;
    ctx.log(`  pre-loading ${backlog} pending deliveries (${z.events} events × ${z.endpoints} endpoints)`);
    let preload;
    if (cluster.store.kind === "sqlite") {
      preload = await preloadSqlite({
        root: ctx.root,
        file: cluster.store.file,
        accountId: acct.accountId,
        events: z.events,
        batch: z.preloadBatch,
        log: ctx.log,
      });
    } else {
      const ingest = await closedLoop({
        url: cluster.url,
        key: acct.key,
        count: z.events,
        clients: 64,
        seqBase: 2_000_000,
      });
      if (ingest.failed > 0) throw new Error(`pre-load: ${ingest.failed} events refused: ${ingest.firstError}`);
      preload = {
        method: "API process (--no-workers), 64 concurrent clients",
        deliveries: ingest.accepted * z.endpoints,
        seconds: ingest.seconds,
        rate: (ingest.accepted * z.endpoints) / ingest.seconds,
      };
    }

    await ctx.sink.phase("s4-backlog");
    const starting = nowMs();
    await cluster.startWorkers();
    const listening = nowMs();
    const mem = sampleMemory(cluster.processes().map((p) => p.pid));
    ctx.log(`  workers started; draining ${backlog} deliveries`);
    // Bounded: a drain slower than backlog / limit is reported from what arrived by then.
    const waited = await ctx.sink.waitFor(backlog, z.drainLimitSeconds * 1000);
    const s = await ctx.sink.stats();
    const memory = mem.peak();
    ctx.window("s4", starting, s.last);
    const seconds = (s.last - s.first) / 1000;
    const rate = s.ok / seconds;
    return {
      backlog,
      received: s.ok,
      complete: waited.reached,
      drainLimitSeconds: z.drainLimitSeconds,
      preload,
      startupSeconds: (listening - starting) / 1000,
      firstDeliveryAfterStartSeconds: (s.first - starting) / 1000,
      seconds,
      rate,
      rateFromStart: s.ok / ((s.last - starting) / 1000),
      emptyRate: empty.rate,
      empty,
      ratio: rate / empty.rate,
      ceiling,
      peakRssMB: memory.maxProcessMB,
      rssSumMB: memory.sampledSumMB,
      memory: memory.perProcess,
      emptyPeakRssMB: emptyMemory.maxProcessMB,
    };
  } finally {
    await cluster.stop();
  }
}
