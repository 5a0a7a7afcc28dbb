/**
 * S2 steady latency: 500 events/s for 20 s to one endpoint, open-loop;
 * accept → receipt percentiles (see latency.mjs for the definitions).
 */

import { setupAccount } from "../herald-api.mjs";
import { startCluster } from "../herald-cluster.mjs";
import { sinkUrls } from "./context.mjs";
import { latencyRun } from "./latency.mjs";

/** @param {import("./context.mjs").ScenarioContext} ctx */
export async function runS2(ctx) {
  const z = ctx.sizes.s2;
  const cluster = await startCluster(ctx, { name: "s2", workers: true });
  try {
    const acct = await setupAccount(cluster.url, cluster.adminToken, sinkUrls(ctx.sink.url, "ok", "s2"));
    const common = { url: cluster.url, key: acct.key, rate: z.rate };
    ctx.log(`  warm-up: ${z.rate}/s for ${z.warmSeconds} s`);
    await latencyRun(ctx, { ...common, seconds: z.warmSeconds, phase: "s2-warm", seqBase: 0 });
    ctx.log(`  measuring: ${z.rate}/s for ${z.seconds} s`);
    const result = await latencyRun(ctx, { ...common, seconds: z.seconds, phase: "s2", seqBase: 1_000_000 });
    ctx.window("s2", result.window.from, result.window.to);
    return { ...result, peakRssMB: cluster.peakRssMB() };
  } finally {
    await cluster.stop();
  }
}
