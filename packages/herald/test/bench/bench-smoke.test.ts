/**
 * `npm run bench -- --quick` (bench/run.mjs) as a smoke test: every scenario
 * runs end to end against the built Herald and reports numeric figures. How
 * fast they are is the benchmark's business, not this test's.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { PG_SKIP, PG_URL } from "../helpers/pg-database.js";

/** From packages/herald/dist/test/bench/ up to the repository root. */
const RUN = fileURLToPath(new URL("../../../../../bench/run.mjs", import.meta.url));
const SCENARIOS = ["S1", "S2", "S3", "Ingest", "S4"];
const LIMIT_MS = 280_000;

async function runQuickBench(extra: string[] = []): Promise<any> {
  const dir = mkdtempSync(join(tmpdir(), "herald-bench-smoke-"));
  const out = join(dir, "results.json");
  try {
    const child = spawn(process.execPath, [RUN, "--quick", "--json-out", out, ...extra], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (d: Buffer) => {
      output += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      output += d.toString();
    });
    const timer = setTimeout(() => child.kill("SIGINT"), LIMIT_MS);
    const code = await new Promise<number | string>((resolve) => {
      child.on("exit", (c, signal) => resolve(c ?? signal ?? -1));
    });
    clearTimeout(timer);
    assert.equal(code, 0, `bench/run.mjs --quick exited ${code}:\n${output.slice(-6000)}`);
    return JSON.parse(readFileSync(out, "utf8"));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function assertNumber(value: unknown, what: string): void {
  assert.equal(typeof value, "number", `${what} is ${JSON.stringify(value)}`);
  assert.ok(Number.isFinite(value as number) && (value as number) > 0, `${what} is ${String(value)}`);
}

function assertPercentiles(s: any, what: string): void {
  for (const q of ["p50", "p90", "p99", "max"]) {
    assert.equal(typeof s?.[q], "number", `${what}.${q} is ${JSON.stringify(s?.[q])}`);
    assert.ok(Number.isFinite(s[q]), `${what}.${q}`);
  }
}

function assertEveryScenario(run: any): void {
  assert.deepEqual(Object.keys(run.results).sort(), [...SCENARIOS].sort());
  for (const name of SCENARIOS) {
    assert.equal(run.results[name].error, undefined, `${name} failed: ${run.results[name].error}`);
  }
  const { S1, S2, S3, S4, Ingest } = run.results;
  assertNumber(S1.rate, "S1 rate");
  assertNumber(S1.ceiling.rate, "S1 ceiling");
  assertNumber(S1.ratio, "S1 ratio");
  assertNumber(S1.received, "S1 deliveries received");
  assertPercentiles(S2.sendToReceipt, "S2 send→receipt");
  assertPercentiles(S3.sendToReceipt, "S3 healthy send→receipt");
  assertPercentiles(S3.sameOrigin.sendToReceipt, "S3 same-origin healthy send→receipt");
  assertNumber(S3.referenceP99, "S3 reference p99");
  assertNumber(S4.rate, "S4 backlog rate");
  assertNumber(S4.emptyRate, "S4 empty-queue rate");
  assertNumber(S4.ratio, "S4 ratio");
  assertNumber(S4.peakRssMB, "S4 peak RSS");
  assertNumber(S4.preload.deliveries, "S4 pre-loaded deliveries");
  assertNumber(Ingest.rate, "Ingest rate");
  assertNumber(Ingest.noopRate, "Ingest no-op rate");
  assertNumber(Ingest.ratio, "Ingest ratio");
  // Eight lines on SQLite; seven on PostgreSQL, whose S2 target is its p99 alone.
  const lines = run.meta.backend === "postgres" ? 7 : 8;
  assert.ok(run.targets.length >= lines, "every target line is judged");
  for (const t of run.targets) {
    assert.equal(typeof t.pass, "boolean", `target ${t.scenario} ${t.name}`);
    assert.equal(typeof t.value, "number", `target ${t.scenario} ${t.name} has a value`);
  }
}

describe("npm run bench -- --quick", () => {
  test("runs every scenario on SQLite and reports numeric figures", { timeout: LIMIT_MS + 15_000 }, async () => {
    assertEveryScenario(await runQuickBench());
  });

  test("runs every scenario on PostgreSQL (API + two worker processes)", {
    skip: PG_SKIP,
    timeout: LIMIT_MS + 15_000,
  }, async () => {
    const run = await runQuickBench(["--database-url", PG_URL]);
    assert.equal(run.meta.backend, "postgres");
    assertEveryScenario(run);
  });
});
