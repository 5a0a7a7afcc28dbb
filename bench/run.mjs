#!/usr/bin/env node
/**
 * `npm run bench`: starts a sink, a Herald (SQLite, or an API process and two
 * workers on PostgreSQL) per scenario and the load, measures S1–S4 and Ingest
 * against ceilings taken in the same run, prints the figures and the targets,
 * and writes bench/results/<timestamp>.json and .svg. Everything it starts is
 * stopped at the end, on failure and on Ctrl-C. See docs/benchmarks.md.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { renderChart } from "./chart.mjs";
import { nowMs } from "./clock.mjs";
import { startCpuAccounting } from "./cpu-accounting.mjs";
import { describeMachine } from "./machine.mjs";
import { parseOptions, USAGE } from "./options.mjs";
import { DATABASE_PREFIX, dropAllDatabases } from "./pg-database.mjs";
import { installCleanup, killAllNow } from "./processes.mjs";
import { formatProfile, summarizeProfile } from "./profile-summary.mjs";
import { figuresTable, targetsTable } from "./report.mjs";
import { runIngest } from "./scenarios/ingest.mjs";
import { runS1 } from "./scenarios/s1.mjs";
import { runS2 } from "./scenarios/s2.mjs";
import { runS3 } from "./scenarios/s3.mjs";
import { runS4 } from "./scenarios/s4.mjs";
import { startSink } from "./sink-client.mjs";
import { evaluateTargets } from "./targets.mjs";

const BENCH = dirname(fileURLToPath(import.meta.url));
const REPO = dirname(BENCH);

/** @type {Record<string, (ctx: import("./scenarios/context.mjs").ScenarioContext) => Promise<any>>} */
const RUNNERS = { S1: runS1, S2: runS2, S3: runS3, Ingest: runIngest, S4: runS4 };

/** @param {string} dir @returns {string[]} */
function findProfiles(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? findProfiles(join(dir, e.name)) : e.name.endsWith(".cpuprofile") ? [join(dir, e.name)] : [],
  );
}

async function main() {
  let opts;
  try {
    opts = parseOptions(process.argv.slice(2));
  } catch (err) {
    console.error(`${err instanceof Error ? err.message : String(err)}\n\n${USAGE}`);
    return 2;
  }
  if (opts.help) {
    console.log(USAGE);
    return 0;
  }
  const root = resolve(opts.heraldRoot ?? REPO);
  if (!existsSync(join(root, "packages/herald/dist/src/cli/main.js"))) {
    console.error(`No Herald build in ${root}: run \`npm run build\` first.`);
    return 2;
  }
  installCleanup(dropAllDatabases);
  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  const resultsDir = join(BENCH, "results");
  mkdirSync(resultsDir, { recursive: true });
  const cpuProfDir = opts.cpuProf ? join(resultsDir, `prof-${stamp}`) : null;
  const tmpRoot = mkdtempSync(join(tmpdir(), "herald-bench-"));
  const log = (/** @type {string} */ line) => process.stderr.write(`${line}\n`);
  const meta = {
    date: new Date().toISOString(),
    backend: opts.backend,
    quick: opts.quick,
    scenarios: opts.scenarios,
    heraldRoot: root,
    machine: describeMachine(root),
    node: process.version,
    command: `node bench/run.mjs ${process.argv.slice(2).join(" ")}`.trim(),
    sizes: opts.sizes,
  };
  log(`bench: ${opts.backend}${opts.quick ? ", quick" : ""}: ${opts.scenarios.join(", ")} (Herald from ${root})`);

  /** @type {Record<string, any>} */
  const results = {};
  /** @type {{cluster: string, from: number, to: number}[]} */
  const windows = [];
  const sink = await startSink();
  try {
    /** @type {import("./scenarios/context.mjs").ScenarioContext} */
    const ctx = {
      root,
      backend: opts.backend,
      databaseUrl: opts.databaseUrl,
      tmpRoot,
      cpuProfDir,
      quick: opts.quick,
      sizes: opts.sizes,
      sink,
      log,
      results,
      window: (cluster, from, to) => windows.push({ cluster, from, to }),
    };
    for (const name of opts.scenarios) {
      log(`${name}:`);
      const started = nowMs();
      const cpu = startCpuAccounting([sink.pid], opts.backend === "postgres" ? DATABASE_PREFIX : null);
      try {
        const run = /** @type {(ctx: any) => Promise<any>} */ (RUNNERS[name]);
        const result = await run(ctx);
        const machine = cpu.stop();
        if (machine.otherShare > 0.1) {
          log(`  note: other processes used ${(machine.otherShare * 100).toFixed(0)} % of the cores during ${name}`);
        }
        results[name] = { ...result, elapsedSeconds: (nowMs() - started) / 1000, machine };
      } catch (err) {
        log(`  ${name} failed: ${err instanceof Error ? err.stack : String(err)}`);
        results[name] = { error: err instanceof Error ? (err.stack ?? err.message) : String(err) };
      }
    }
  } finally {
    await sink.stop().catch(() => {});
    killAllNow();
    await dropAllDatabases();
    rmSync(tmpRoot, { recursive: true, force: true });
  }

  const targets = evaluateTargets(results, opts.backend);
  // Each process's profile, cut to the windows its scenario measured (a process has no samples outside its life).
  const profiles =
    cpuProfDir === null
      ? []
      : findProfiles(cpuProfDir).map((f) => {
          const proc = basename(dirname(f));
          const mine = windows.filter((w) => proc.startsWith(`${w.cluster}-`));
          return { path: f, ...summarizeProfile(f, { windows: mine }) };
        });
  const run = { meta, results, targets, profiles };
  const json = `${JSON.stringify(run, null, 2)}\n`;
  const svg = renderChart(run);
  const jsonPath = join(resultsDir, `${stamp}.json`);
  const svgPath = join(resultsDir, `${stamp}.svg`);
  writeFileSync(jsonPath, json);
  writeFileSync(svgPath, svg);
  if (opts.jsonOut !== null) writeFileSync(resolve(opts.jsonOut), json);
  if (opts.svgOut !== null) writeFileSync(resolve(opts.svgOut), svg);

  console.log(
    `\nHerald benchmark — ${opts.backend}${opts.quick ? " (quick)" : ""}, ${meta.machine.cpus} × ${meta.machine.cpuModel}, Node ${process.version}\n`,
  );
  console.log(figuresTable(results));
  console.log(`\n${targetsTable(targets)}\n`);
  for (const p of profiles) console.log(`${formatProfile(p)}\n`);
  console.log(`results: ${jsonPath}\nchart:   ${svgPath}`);
  return Object.values(results).some((r) => r.error !== undefined) ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
