/**
 * Scale-out on one PostgreSQL: several `herald serve` processes share the
 * database. They start together on a fresh database, survive one of them
 * being SIGKILLed and their connections being cut mid-load, and keep an
 * endpoint's max_in_flight across all of them. Nothing accepted is lost.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { request } from "undici";
import { type ChildHerald, spawnHerald } from "../helpers/child-server.js";
import { eventually } from "../helpers/live-server.js";
import { type Load, startLoad } from "../helpers/load.js";
import { createTestDatabase, PG_SKIP, type TestDatabase } from "../helpers/pg-database.js";
import { type Receiver, startReceiver } from "../helpers/receiver.js";

const ADMIN = "hat_scale_test_token";

async function call(url: string, method: string, path: string, body?: unknown, token = ADMIN) {
  const res = await request(`${url}${path}`, {
    method: method as "POST",
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.body.text();
  return { status: res.statusCode, body: text === "" ? null : (JSON.parse(text) as any) };
}

/** Processes that share one database; the master key is shared the way several machines would share it. */
async function cluster(db: TestDatabase, n: number, extra: string[] = []): Promise<ChildHerald[]> {
  const env = { HERALD_MASTER_KEY: randomBytes(32).toString("base64"), HERALD_LEASE_MS: "3000" };
  const procs = await Promise.all(
    Array.from({ length: n }, () =>
      spawnHerald(
        [
          "--database-url",
          db.url,
          "--admin-token",
          ADMIN,
          "--data-dir",
          mkdtempSync(join(tmpdir(), "herald-node-")),
          ...extra,
        ],
        env,
      ),
    ),
  );
  return procs;
}

async function setup(h: ChildHerald, urls: string[], extra: Record<string, unknown> = {}) {
  const acct = await call(h.url, "POST", "/v1/accounts", { name: "Scale" });
  const key = (await call(h.url, "POST", `/v1/accounts/${acct.body.id}/api_keys`, { mode: "test" })).body
    .secret as string;
  for (const url of urls) {
    const ep = await call(h.url, "POST", "/v1/webhooks", { url, enabled_events: ["*"], ...extra }, key);
    assert.equal(ep.status, 201, JSON.stringify(ep.body));
  }
  return key;
}

/** Emits `n` events round-robin over the processes' APIs with `clients` concurrent clients; returns the accepted ids. */
function load(procs: () => ChildHerald[], key: string, n: number, clients = 12): Load {
  let i = 0;
  return startLoad({
    target: () => {
      const live = procs();
      return (live[i++ % live.length] as ChildHerald).url;
    },
    key,
    count: n,
    clients,
  });
}

function deliveredEverywhere(r: Receiver, accepted: Set<string>, endpoints: string[]): boolean {
  const seen = new Set(r.received.map((q) => `${q.path}|${JSON.parse(q.body).id}`));
  for (const id of accepted) for (const e of endpoints) if (!seen.has(`${e}|${id}`)) return false;
  return true;
}

function duplicates(r: Receiver): number {
  return r.received.length - new Set(r.received.map((q) => `${q.path}|${JSON.parse(q.body).id}`)).size;
}

describe("scale-out on one PostgreSQL", { skip: PG_SKIP }, () => {
  const cleanup: (() => Promise<unknown>)[] = [];
  after(async () => {
    for (const c of cleanup.reverse()) await c().catch(() => undefined);
  });
  const stopAll = (procs: ChildHerald[]) => async () => {
    for (const p of procs) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill("SIGTERM");
    await Promise.all(procs.map((p) => p.exited));
  };

  test("concurrent start: four processes migrate a fresh database at once into one schema", async () => {
    const db = await createTestDatabase();
    cleanup.push(() => db.drop());
    const env = { HERALD_MASTER_KEY: randomBytes(32).toString("base64") };
    const procs = await Promise.all(
      Array.from({ length: 4 }, () =>
        spawnHerald(["--database-url", db.url, "--data-dir", mkdtempSync(join(tmpdir(), "herald-node-"))], env),
      ),
    );
    cleanup.push(stopAll(procs));
    await new Promise((r) => setTimeout(r, 300));
    const tokens = procs.flatMap((p) => p.stdout.filter((l) => l.startsWith("Admin token")));
    const demos = procs.flatMap((p) => p.stdout.filter((l) => l.startsWith("Demo account")));
    assert.equal(tokens.length, 1, "one process created the admin token");
    assert.equal(demos.length, 1, "one process created the demo account");
    const token = (tokens[0] as string).split(": ")[1] as string;
    for (const p of procs) {
      const accounts = await call(p.url, "GET", "/v1/accounts", undefined, token);
      assert.equal(accounts.status, 200);
      assert.equal(accounts.body.data.length, 1);
    }
    const accounts = await db.query("SELECT count(*)::int AS n FROM accounts");
    assert.equal(accounts.rows[0].n, 1);
  });

  test("three processes, one SIGKILLed mid-load: every accepted event is delivered at least once", async () => {
    const db = await createTestDatabase();
    cleanup.push(() => db.drop());
    const r = await startReceiver();
    cleanup.push(() => r.close());
    const procs = await cluster(db, 3);
    cleanup.push(stopAll(procs));
    const endpoints = ["/a", "/b", "/c"];
    const key = await setup(
      procs[0] as ChildHerald,
      endpoints.map((e) => `${r.url}${e}`),
    );

    let alive = procs;
    const N = 3000;
    const run = load(() => alive, key, N);
    await eventually(async () => r.received.length >= N, 120_000, "a third of the deliveries");
    const victim = procs[1] as ChildHerald;
    alive = procs.filter((p) => p !== victim);
    victim.child.kill("SIGKILL");
    await victim.exited;
    await run.done;

    await eventually(
      async () => deliveredEverywhere(r, run.accepted, endpoints),
      120_000,
      "every accepted event everywhere",
    );
    console.log(
      `three processes, one killed: ${run.accepted.size} events accepted (${run.refused()} refused while a process died), ` +
        `${run.accepted.size * endpoints.length} deliveries, ${r.received.length} requests, ${duplicates(r)} duplicates`,
    );
    assert.ok(run.accepted.size > N / 2);
  });

  test("database connections cut during load: processes reconnect and nothing accepted is lost", async () => {
    const db = await createTestDatabase();
    cleanup.push(() => db.drop());
    const r = await startReceiver();
    cleanup.push(() => r.close());
    const procs = await cluster(db, 2);
    cleanup.push(stopAll(procs));
    const endpoints = ["/x", "/y"];
    const key = await setup(
      procs[0] as ChildHerald,
      endpoints.map((e) => `${r.url}${e}`),
    );

    const N = 1500;
    const run = load(() => procs, key, N, 8);
    await eventually(async () => r.received.length >= N / 2, 60_000, "deliveries under way");
    // What a database restart looks like to Herald: every connection dies at once.
    for (let i = 0; i < 3; i++) {
      await db.query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
        [db.name],
      );
      await new Promise((res) => setTimeout(res, 200));
    }
    await run.done;
    await eventually(
      async () => deliveredEverywhere(r, run.accepted, endpoints),
      120_000,
      "every accepted event everywhere",
    );
    for (const p of procs) assert.equal(p.child.exitCode, null, `the processes survived: ${p.stderr().slice(-2000)}`);
    // After the blip the processes serve again.
    const after = await call(
      (procs[1] as ChildHerald).url,
      "POST",
      "/v1/events",
      { type: "refund.created", data: { object: {} } },
      key,
    );
    assert.equal(after.status, 202);
    console.log(
      `connections cut 3 times: ${run.accepted.size} events accepted, ${run.refused()} refused during the cuts, ${duplicates(r)} duplicates`,
    );
  });

  test("max_in_flight 2 holds across three processes", async () => {
    const db = await createTestDatabase();
    cleanup.push(() => db.drop());
    const r = await startReceiver(() => ({ kind: "slow-body", status: 200, chunks: 4, everyMs: 40 }));
    cleanup.push(() => r.close());
    const procs = await cluster(db, 3);
    cleanup.push(stopAll(procs));
    const key = await setup(procs[0] as ChildHerald, [r.url], { max_in_flight: 2 });
    const run = load(() => procs, key, 30, 6);
    await run.done;
    assert.equal(run.accepted.size, 30);
    await r.waitFor(30, 60_000);
    assert.ok(r.maxInFlight <= 2, `at most 2 concurrent requests, saw ${r.maxInFlight}`);
    assert.equal(r.maxInFlight, 2, "and the cap is used");
  });
});
