/**
 * Ingest: durable `POST /v1/events` accepts per second from 64 concurrent
 * clients, against a Herald running `--no-workers` (the account has one
 * endpoint, so each accept writes the event and one delivery row — the
 * outbox — and nothing is delivered). Its ceiling, in the same run: the same
 * requests to a minimal Fastify 5 app with a trivial JSON POST route
 * (bench/noop-server.mjs), measured before and after Herald.
 */
import { fileURLToPath } from "node:url";
import { withPairedCeiling } from "../ceiling.mjs";
import { forkIpcChild } from "../child-ipc.mjs";
import { setupAccount } from "../herald-api.mjs";
import { startCluster } from "../herald-cluster.mjs";
import { closedLoop } from "../load.mjs";
import { sinkUrls } from "./context.mjs";

const NOOP = fileURLToPath(new URL("../noop-server.mjs", import.meta.url));

/** @param {import("./context.mjs").ScenarioContext} ctx */
export async function runIngest(ctx) {
  const z = ctx.sizes.ingest;
  const cluster = await startCluster(ctx, { name: "ingest", workers: false });
  const noop = await forkIpcChild(NOOP).catch(async (err) => {
    await cluster.stop();
    throw err;
  });
  try {
    const acct = await setupAccount(cluster.url, cluster.adminToken, sinkUrls(ctx.sink.url, "ok", "ingest"));
    const load = (/** @type {string} */ url, /** @type {number} */ count, /** @type {number} */ seqBase) =>
      closedLoop({ url, key: acct.key, count, clients: z.clients, seqBase });
    ctx.log(`  warm-up: ${z.warm} requests to each`);
    await load(noop.url, z.warm, 0);
    await load(cluster.url, z.warm, 0);
    ctx.log(`  measuring: ${z.requests} requests, ${z.clients} clients: no-op, Herald, no-op`);
    const { ceiling, result } = await withPairedCeiling(
      ctx.sink,
      { count: ctx.sizes.s1.events * ctx.sizes.s1.endpoints, warm: ctx.sizes.ceilingWarm },
      async () => {
        const noopBefore = await load(noop.url, z.requests, 1_000_000);
        const herald = await load(cluster.url, z.requests, 2_000_000);
        ctx.window("ingest", herald.started, herald.started + herald.seconds * 1000);
        const noopAfter = await load(noop.url, z.requests, 3_000_000);
        return { noopBefore, herald, noopAfter };
      },
    );
    const { herald, noopBefore, noopAfter } = result;
    const noopRate = (noopBefore.rate + noopAfter.rate) / 2;
    return {
      requests: z.requests,
      clients: z.clients,
      accepted: herald.accepted,
      ingestFailed: herald.failed,
      ingestError: herald.firstError,
      complete: herald.accepted === z.requests,
      rate: herald.rate,
      noopRate,
      noopBefore: noopBefore.rate,
      noopAfter: noopAfter.rate,
      ratio: herald.rate / noopRate,
      peakRssMB: cluster.peakRssMB(),
      ceiling,
    };
  } finally {
    await Promise.allSettled([noop.stop(), cluster.stop()]);
  }
}
