/**
 * S3 isolation: S2's load to one healthy endpoint, while ten more endpoints
 * of the same account, subscribed to the same events, misbehave: half hang
 * until Herald's delivery timeout, half answer 500 at once (and are retried on
 * the default schedule). Reported: the healthy endpoint's percentiles, against
 * S2's p99 from the same run (measured here if S2 was not selected).
 *
 * Run twice, each on a fresh Herald:
 * - the misbehaving endpoints on another origin than the healthy one (another
 *   port of the sink): receivers on different hosts, the usual case, and the
 *   figure the target is judged on;
 * - all eleven on the same origin: one receiver host with a bad path. A
 *   sender that pools connections per origin shares that pool among them.
 */

import { failedAttemptErrors, setupAccount } from "../herald-api.mjs";
import { startCluster } from "../herald-cluster.mjs";
import { sinkUrls } from "./context.mjs";
import { latencyRun } from "./latency.mjs";
import { runS2 } from "./s2.mjs";

/**
 * @param {import("./context.mjs").ScenarioContext} ctx
 * @param {{name: string, badOrigin: string}} o
 */
async function isolationRun(ctx, o) {
  const z = ctx.sizes.s3;
  const cluster = await startCluster(ctx, {
    name: o.name,
    workers: true,
    args: ["--delivery-timeout", String(z.timeoutMs)],
    // Herald lets hung requests run to their timeout when it stops.
    stopGraceMs: z.timeoutMs + 15_000,
  });
  try {
    const urls = [
      ...sinkUrls(ctx.sink.url, "ok", o.name),
      ...sinkUrls(o.badOrigin, "hang", o.name, z.hanging),
      ...sinkUrls(o.badOrigin, "fail", o.name, z.failing),
    ];
    const acct = await setupAccount(cluster.url, cluster.adminToken, urls);
    const common = { url: cluster.url, key: acct.key, rate: z.rate };
    ctx.log(
      `  ${o.name} warm-up: ${z.rate}/s for ${z.warmSeconds} s (${z.hanging} hanging, ${z.failing} failing endpoints)`,
    );
    await latencyRun(ctx, { ...common, seconds: z.warmSeconds, phase: `${o.name}-warm`, seqBase: 0 });
    ctx.log(`  ${o.name} measuring: ${z.rate}/s for ${z.seconds} s, delivery timeout ${z.timeoutMs} ms`);
    const result = await latencyRun(ctx, { ...common, seconds: z.seconds, phase: o.name, seqBase: 1_000_000 });
    ctx.window(o.name, result.window.from, result.window.to);
    // Why healthy deliveries did not arrive (if some did not): the errors Herald logged for them.
    const healthy = await failedAttemptErrors(cluster.url, acct.key, /** @type {string} */ (acct.endpointIds[0])).catch(
      (err) => ({ error: String(err) }),
    );
    return { ...result, peakRssMB: cluster.peakRssMB(), healthyFailures: healthy };
  } finally {
    await cluster.stop();
  }
}

/** @param {import("./context.mjs").ScenarioContext} ctx */
export async function runS3(ctx) {
  const z = ctx.sizes.s3;
  let reference = ctx.results.S2;
  if (reference?.sendToReceipt == null) {
    ctx.log("  S2 did not run: measuring its p99 first, for reference");
    reference = await runS2(ctx);
  }
  const separate = await isolationRun(ctx, { name: "s3", badOrigin: ctx.sink.otherUrl });
  const sameOrigin = await isolationRun(ctx, { name: "s3-shared", badOrigin: ctx.sink.url });
  return {
    ...separate,
    sameOrigin,
    hanging: z.hanging,
    failing: z.failing,
    deliveryTimeoutMs: z.timeoutMs,
    referenceP99: reference?.sendToReceipt?.p99 ?? null,
  };
}
