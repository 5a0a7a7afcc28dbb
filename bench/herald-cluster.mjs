/**
 * The Herald side of a scenario, for either backend:
 *
 * - SQLite (default): one `herald serve` with both roles on its own temp data
 *   dir (the embedded store belongs to one process).
 * - PostgreSQL (`--database-url`): a fresh database, one API process
 *   (`--no-workers`) and two delivery processes (`--workers-only`), sharing
 *   the master key and the admin token as separate machines would.
 *
 * `workers: false` runs the API alone (nothing is delivered). stopWorkers()
 * and startWorkers() let a scenario pile up work and then let it be claimed.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { join } from "node:path";
import { spawnHerald } from "./herald-process.mjs";
import { createDatabase } from "./pg-database.mjs";
import { readMemory } from "./rss.mjs";

/** Peak resident set (VmHWM, MB) of the largest of `procs`, read while they run. */
const peakRss = (/** @type {{pid: number}[]} */ procs) =>
  Math.max(0, ...procs.map((p) => readMemory(p.pid)?.hwmMB ?? 0));

export const PG_WORKER_PROCESSES = 2;

/**
 * @typedef {{
 *   root: string, backend: "sqlite" | "postgres", databaseUrl: string | null, tmpRoot: string,
 *   cpuProfDir: string | null, log: (line: string) => void
 * }} ClusterContext
 */

/**
 * @param {ClusterContext} ctx
 * @param {{name: string, workers: boolean, args?: string[], stopGraceMs?: number}} o
 */
export async function startCluster(ctx, o) {
  const adminToken = `hat_bench_${randomBytes(12).toString("hex")}`;
  const dir = () => mkdtempSync(join(ctx.tmpRoot, `${o.name}-`));
  const common = {
    root: ctx.root,
    adminToken,
    cpuProfDir: ctx.cpuProfDir,
    ...(o.stopGraceMs === undefined ? {} : { stopGraceMs: o.stopGraceMs }),
  };
  const extra = o.args ?? [];

  if (ctx.backend === "sqlite") {
    const dataDir = dir();
    let seq = 0;
    const start = (/** @type {boolean} */ workers) =>
      spawnHerald({
        ...common,
        name: `${o.name}-${++seq}`,
        dataDir,
        args: [...extra, ...(workers ? [] : ["--no-workers"])],
      });
    /** @type {import("./herald-process.mjs").HeraldProcess | null} */
    let proc = await start(o.workers);
    return {
      adminToken,
      url: proc.url,
      store: /** @type {const} */ ({ kind: "sqlite", file: join(dataDir, "herald.db") }),
      /** Processes running now (for RSS). */
      processes: () => (proc === null ? [] : [proc]),
      peakRssMB: () => peakRss(proc === null ? [] : [proc]),
      /** The embedded store has one process: stopping its workers stops it (API included). */
      async stopWorkers() {
        await proc?.stop();
        proc = null;
      },
      async startWorkers() {
        proc = await start(true);
        return [proc];
      },
      async stop() {
        await proc?.stop();
        proc = null;
      },
    };
  }

  if (ctx.databaseUrl === null) throw new Error("the postgres backend needs --database-url");
  const db = await createDatabase(ctx.databaseUrl);
  ctx.log(`  database ${db.name} created`);
  const env = { HERALD_MASTER_KEY: randomBytes(32).toString("base64") };
  const pgArgs = ["--database-url", db.url, ...extra];
  /** @type {import("./herald-process.mjs").HeraldProcess[]} */
  let workers = [];
  /** @type {import("./herald-process.mjs").HeraldProcess | null} */
  let api = null;
  let seq = 0;
  const startWorkers = async () => {
    const started = await Promise.all(
      Array.from({ length: PG_WORKER_PROCESSES }, () =>
        spawnHerald({
          ...common,
          env,
          name: `${o.name}-worker-${++seq}`,
          dataDir: dir(),
          args: [...pgArgs, "--workers-only"],
        }),
      ),
    );
    workers.push(...started);
    return started;
  };
  try {
    // The API first: it runs the migrations the workers then find done.
    api = await spawnHerald({
      ...common,
      env,
      name: `${o.name}-api`,
      dataDir: dir(),
      args: [...pgArgs, "--no-workers"],
    });
    if (o.workers) await startWorkers();
  } catch (err) {
    await Promise.allSettled([api?.stop(), ...workers.map((w) => w.stop())]);
    await db.drop().catch(() => {});
    throw err;
  }
  const apiProc = api;
  return {
    adminToken,
    url: apiProc.url,
    store: /** @type {const} */ ({ kind: "postgres", url: db.url }),
    processes: () => [apiProc, ...workers],
    peakRssMB: () => peakRss([apiProc, ...workers]),
    async stopWorkers() {
      await Promise.all(workers.map((w) => w.stop()));
      workers = [];
    },
    startWorkers,
    async stop() {
      await Promise.allSettled([apiProc.stop(), ...workers.map((w) => w.stop())]);
      workers = [];
      await db.drop().catch((/** @type {unknown} */ err) => ctx.log(`  could not drop ${db.name}: ${String(err)}`));
    },
  };
}

/** @typedef {Awaited<ReturnType<typeof startCluster>>} Cluster */
