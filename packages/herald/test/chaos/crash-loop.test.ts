/**
 * Crash loop: events arrive over the API from concurrent clients while
 * Herald processes are SIGKILLed at random moments and started again. Clients
 * that get no answer send the same event `id` again (the contract emits a
 * repeated id once), so every event is accepted in the end; every accepted
 * event must then reach every endpoint at least once. Duplicates are allowed
 * (at-least-once) and reported.
 *
 * `npm test` runs a short version; `npm run test:chaos` (HERALD_CHAOS=long)
 * runs tens of thousands of events and ten kills.
 */
import assert from "node:assert/strict";
import { randomBytes, randomInt } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, type TestContext, test } from "node:test";
import { type ChildHerald, spawnHerald } from "../helpers/child-server.js";
import { account, call } from "../helpers/http-api.js";
import { eventually } from "../helpers/live-server.js";
import { startLoad } from "../helpers/load.js";
import { createTestDatabase, PG_SKIP } from "../helpers/pg-database.js";
import { type Receiver, startReceiver } from "../helpers/receiver.js";

const LONG = process.env.HERALD_CHAOS === "long";
const SIZE = LONG
  ? { events: 30_000, kills: 10, clients: 24, drainMs: 900_000 }
  : { events: 3000, kills: 3, clients: 12, drainMs: 120_000 };
const ADMIN = `hat_chaos_${randomBytes(8).toString("hex")}`;
const ENDPOINTS = ["/a", "/b"];
// Retries come quickly so the drain after the last kill is short.
const RETRIES = ["--retry-schedule", "200ms,200ms,500ms,1s,1s,2s,2s,5s"];

const sleep = (ms: number) => new Promise((res) => setTimeout(res, ms));

/** Arrivals by endpoint path and `webhook-id`: how many times each delivery reached the receiver. */
function arrivals(r: Receiver): Map<string, number> {
  const seen = new Map<string, number>();
  for (const q of r.received) {
    const key = `${q.path}|${String(q.headers["webhook-id"])}`;
    seen.set(key, (seen.get(key) ?? 0) + 1);
  }
  return seen;
}

function missing(r: Receiver, accepted: Set<string>): number {
  const seen = arrivals(r);
  let n = 0;
  for (const id of accepted) for (const e of ENDPOINTS) if (!seen.has(`${e}|${id}`)) n++;
  return n;
}

function report(t: TestContext, what: string, r: Receiver, accepted: Set<string>, extra: string): void {
  const seen = arrivals(r);
  const duplicates = [...seen.values()].reduce((sum, n) => sum + n - 1, 0);
  const line =
    `${what}: ${accepted.size} events accepted, ${accepted.size * ENDPOINTS.length} deliveries, ` +
    `${r.received.length} requests received, ${duplicates} duplicates; ${extra}`;
  t.diagnostic(line);
  console.log(line);
}

/** Waits until every accepted event reached every endpoint, reports the duplicates, and asserts none is missing. */
async function everyAcceptedArrived(
  t: TestContext,
  what: string,
  r: Receiver,
  accepted: Set<string>,
  extra: string,
): Promise<void> {
  await eventually(async () => missing(r, accepted) === 0, SIZE.drainMs, "every accepted event everywhere").catch(
    (err: Error) => {
      throw new Error(`${err.message}: ${missing(r, accepted)} deliveries never arrived`);
    },
  );
  report(t, what, r, accepted, extra);
  assert.equal(missing(r, accepted), 0);
}

async function endpoints(url: string, key: string, r: Receiver): Promise<void> {
  for (const e of ENDPOINTS) {
    const ep = await call(url, key, "POST", "/v1/webhooks", { url: `${r.url}${e}`, enabled_events: ["*"] });
    assert.equal(ep.status, 201, JSON.stringify(ep.body));
  }
}

describe("crash loop", () => {
  const cleanup: (() => Promise<unknown>)[] = [];
  after(async () => {
    for (const c of cleanup.reverse()) await c().catch(() => undefined);
  });
  const stop = (p: () => ChildHerald[]) => async () => {
    for (const h of p()) if (h.child.exitCode === null && h.child.signalCode === null) h.child.kill("SIGKILL");
    await Promise.all(p().map((h) => h.exited));
  };

  test(`SQLite: ${SIZE.kills} SIGKILLs under a load of ${SIZE.events} events lose nothing accepted`, async (t) => {
    const dataDir = mkdtempSync(join(tmpdir(), "herald-chaos-"));
    const r = await startReceiver();
    cleanup.push(() => r.close());
    const args = ["--data-dir", dataDir, "--admin-token", ADMIN, ...RETRIES];
    let h = await spawnHerald(args);
    cleanup.push(stop(() => [h]));
    const { testKey } = await account(h.url, ADMIN);
    await endpoints(h.url, testKey, r);

    const load = startLoad({
      target: () => h.url,
      key: testKey,
      count: SIZE.events,
      clients: SIZE.clients,
      retry: true,
    });
    let loadDone = false;
    void load.done.then(() => {
      loadDone = true;
    });
    let killedUnderLoad = 0;
    // The first kill lands early in the ingest, whatever the machine's speed.
    await eventually(async () => load.accepted.size >= SIZE.events / 10, 60_000, "the ingest under way");
    for (let k = 0; k < SIZE.kills; k++) {
      // A random moment: mid-ingest while the load runs, mid-delivery after.
      await sleep(k === 0 ? randomInt(0, 100) : randomInt(200, LONG ? 2500 : 1000));
      if (!loadDone) killedUnderLoad++;
      h.child.kill("SIGKILL");
      await h.exited;
      h = await spawnHerald(args);
    }
    await load.done;
    assert.equal(load.accepted.size, SIZE.events, "every event was accepted in the end (a retry with its id)");
    assert.ok(killedUnderLoad > 0, "at least one kill hit the ingest");

    await everyAcceptedArrived(
      t,
      "crash loop (SQLite)",
      r,
      load.accepted,
      `${SIZE.kills} kills (${killedUnderLoad} during ingest), ${load.retried()} client retries`,
    );
  });

  test(`PostgreSQL: workers SIGKILLed ${SIZE.kills} times under a load of ${SIZE.events} events lose nothing accepted`, {
    skip: PG_SKIP,
  }, async (t) => {
    const db = await createTestDatabase();
    cleanup.push(() => db.drop());
    const r = await startReceiver();
    cleanup.push(() => r.close());
    // Shared the way several machines would share it; a short lease so a
    // killed worker's claims come back quickly.
    const env = { HERALD_MASTER_KEY: randomBytes(32).toString("base64"), HERALD_LEASE_MS: "2000" };
    const base = ["--database-url", db.url, "--admin-token", ADMIN, ...RETRIES];
    const node = () => ["--data-dir", mkdtempSync(join(tmpdir(), "herald-chaos-node-"))];
    const api = await spawnHerald([...base, ...node(), "--no-workers"], env);
    const workers: ChildHerald[] = [];
    for (let i = 0; i < 3; i++) workers.push(await spawnHerald([...base, ...node(), "--workers-only"], env));
    cleanup.push(stop(() => [api, ...workers]));
    const { testKey } = await account(api.url, ADMIN);
    await endpoints(api.url, testKey, r);

    const load = startLoad({
      target: () => api.url,
      key: testKey,
      count: SIZE.events,
      clients: SIZE.clients,
      retry: true,
    });
    for (let k = 0; k < SIZE.kills; k++) {
      await sleep(randomInt(200, LONG ? 2500 : 1000));
      const i = randomInt(workers.length);
      const victim = workers[i] as ChildHerald;
      victim.child.kill("SIGKILL");
      await victim.exited;
      workers[i] = await spawnHerald([...base, ...node(), "--workers-only"], env);
    }
    await load.done;
    assert.equal(load.accepted.size, SIZE.events, "every event was accepted (the API process was never killed)");

    await everyAcceptedArrived(
      t,
      "crash loop (PostgreSQL workers)",
      r,
      load.accepted,
      `${SIZE.kills} worker kills, ${load.retried()} client retries`,
    );
  });
});
