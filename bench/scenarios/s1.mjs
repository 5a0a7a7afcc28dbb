/**
 * S1 fan-out: 2,000 events × 10 endpoints (20,000 deliveries) ingested over
 * the HTTP API by 64 concurrent clients; deliveries per second from the first
 * accept to the last receipt at the sink, against the same number of signed
 * POSTs sent straight to the sink (the ceiling), measured before and after.
 */
import { withPairedCeiling } from "../ceiling.mjs";
import { processCpu } from "../cpu-accounting.mjs";
import { setupAccount } from "../herald-api.mjs";
import { startCluster } from "../herald-cluster.mjs";
import { sinkUrls } from "./context.mjs";
import { fanOut } from "./fan-out.mjs";

/** @param {import("./context.mjs").ScenarioContext} ctx */
export async function runS1(ctx) {
  const z = ctx.sizes.s1;
  const cluster = await startCluster(ctx, { name: "s1", workers: true });
  try {
    const acct = await setupAccount(cluster.url, cluster.adminToken, sinkUrls(ctx.sink.url, "ok", "s1", z.endpoints));
    const run = (/** @type {number} */ events, /** @type {string} */ phase, /** @type {number} */ seqBase) =>
      fanOut(ctx, { url: cluster.url, key: acct.key, events, endpoints: z.endpoints, phase, seqBase });
    ctx.log(`  warm-up: ${z.warmEvents} events × ${z.endpoints} endpoints`);
    const warm = await run(z.warmEvents, "s1-warm", 0);
    ctx.log(`  measuring: ${z.events} events × ${z.endpoints} endpoints, between two ceilings`);
    // Herald's own CPU per delivery (every process and thread of it), a
    // figure that moves less than the rates when the machine is shared.
    const heraldCpu = () => cluster.processes().reduce((s, p) => s + processCpu(p.pid), 0);
    let cpuSeconds = 0;
    const { ceiling, result } = await withPairedCeiling(
      ctx.sink,
      { count: z.events * z.endpoints, warm: ctx.sizes.ceilingWarm },
      async () => {
        const before = heraldCpu();
        const r = await run(z.events, "s1", 1_000_000);
        cpuSeconds = heraldCpu() - before;
        return r;
      },
    );
    ctx.window("s1", result.window.from, result.window.to);
    return {
      ...result,
      warmRate: warm.rate,
      ceiling,
      ratio: result.rate / ceiling.rate,
      peakRssMB: cluster.peakRssMB(),
      heraldCpuUsPerDelivery: result.received > 0 ? (cpuSeconds * 1e6) / result.received : Number.NaN,
    };
  } finally {
    await cluster.stop();
  }
}
