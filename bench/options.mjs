/** Command-line options of `npm run bench` and the sizes of a full and a quick run. */
import { parseArgs } from "node:util";

export const SCENARIOS = /** @type {const} */ (["S1", "S2", "S3", "Ingest", "S4"]);

export const USAGE = `Usage: npm run bench -- [options]

  --scenario LIST       S1,S2,S3,S4,Ingest (comma-separated; repeatable). Default: all
  --quick               a smoke run: every scenario with small counts, in seconds
  --database-url URL    benchmark the PostgreSQL store: an API process plus two
                        --workers-only processes on a fresh database created from
                        URL (an admin connection) and dropped at the end
  --json-out FILE       also write the results there (bench/results/<timestamp>.json always)
  --svg-out FILE        also write the chart there (bench/results/<timestamp>.svg always)
  --cpu-prof            run every Herald process with --cpu-prof and print its top costs
  --herald-root DIR     benchmark the Herald built in another checkout (default: this one)
  --help`;

/**
 * @typedef {{
 *   ceilingWarm: number, clients: number,
 *   s1: {events: number, endpoints: number, warmEvents: number},
 *   s2: {rate: number, seconds: number, warmSeconds: number},
 *   s3: {rate: number, seconds: number, warmSeconds: number, hanging: number, failing: number, timeoutMs: number},
 *   s4: {events: number, endpoints: number, emptyEvents: number, warmEvents: number, preloadBatch: number, drainLimitSeconds: number},
 *   ingest: {requests: number, warm: number, clients: number}
 * }} Sizes
 */

/** @type {Sizes} */
const FULL = {
  ceilingWarm: 10_000,
  clients: 64,
  s1: { events: 2_000, endpoints: 10, warmEvents: 500 },
  s2: { rate: 500, seconds: 20, warmSeconds: 3 },
  s3: { rate: 500, seconds: 20, warmSeconds: 3, hanging: 5, failing: 5, timeoutMs: 5_000 },
  s4: {
    events: 100_000,
    endpoints: 10,
    emptyEvents: 2_000,
    warmEvents: 500,
    preloadBatch: 2_000,
    drainLimitSeconds: 300,
  },
  ingest: { requests: 20_000, warm: 5_000, clients: 64 },
};

/** @type {Sizes} */
const QUICK = {
  ceilingWarm: 1_000,
  clients: 64,
  s1: { events: 200, endpoints: 10, warmEvents: 50 },
  s2: { rate: 100, seconds: 2, warmSeconds: 0.5 },
  s3: { rate: 100, seconds: 2, warmSeconds: 0.5, hanging: 5, failing: 5, timeoutMs: 1_000 },
  s4: { events: 2_000, endpoints: 10, emptyEvents: 200, warmEvents: 50, preloadBatch: 1_000, drainLimitSeconds: 30 },
  ingest: { requests: 2_000, warm: 500, clients: 64 },
};

/**
 * @param {string[]} argv
 */
export function parseOptions(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      scenario: { type: "string", multiple: true },
      quick: { type: "boolean", default: false },
      "database-url": { type: "string" },
      "json-out": { type: "string" },
      "svg-out": { type: "string" },
      "cpu-prof": { type: "boolean", default: false },
      "herald-root": { type: "string" },
      help: { type: "boolean", default: false },
    },
    strict: true,
  });
  const wanted = (values.scenario ?? [])
    .flatMap((s) => s.split(","))
    .map((s) => s.trim())
    .filter((s) => s !== "");
  /** @type {(typeof SCENARIOS)[number][]} */
  const scenarios = [];
  for (const name of wanted) {
    const match = SCENARIOS.find((s) => s.toLowerCase() === name.toLowerCase());
    if (match === undefined) throw new Error(`Unknown scenario '${name}': use ${SCENARIOS.join(", ")}.`);
    if (!scenarios.includes(match)) scenarios.push(match);
  }
  const databaseUrl = values["database-url"] ?? null;
  if (databaseUrl !== null && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new Error(`--database-url must be a postgres:// URL, not '${databaseUrl}'.`);
  }
  return {
    help: values.help === true,
    quick: values.quick === true,
    // Run in the order of SCENARIOS: S3 compares itself with S2's p99.
    scenarios: scenarios.length === 0 ? [...SCENARIOS] : SCENARIOS.filter((s) => scenarios.includes(s)),
    databaseUrl,
    backend: /** @type {"sqlite" | "postgres"} */ (databaseUrl === null ? "sqlite" : "postgres"),
    jsonOut: values["json-out"] ?? null,
    svgOut: values["svg-out"] ?? null,
    cpuProf: values["cpu-prof"] === true,
    heraldRoot: values["herald-root"] ?? null,
    sizes: values.quick === true ? QUICK : FULL,
  };
}

/** @typedef {ReturnType<typeof parseOptions>} Options */
