/**
 * Nothing accepted is lost: `herald serve` is SIGKILLed while deliveries
 * are in flight and restarted on the same data dir; every event that got a
 * 202 reaches the receiver at least once. SIGTERM, in turn, finishes what is
 * in flight and exits cleanly.
 */
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { request } from "undici";
import { spawnHerald } from "../helpers/child-server.js";
import { eventually } from "../helpers/live-server.js";
import { startLoad } from "../helpers/load.js";
import { type Receiver, startReceiver } from "../helpers/receiver.js";

const ADMIN = "hat_durability_test_token";

async function call(
  url: string,
  method: string,
  path: string,
  body?: unknown,
  token = ADMIN,
): Promise<{ status: number; body: any }> {
  const res = await request(`${url}${path}`, {
    method: method as "POST",
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.statusCode, body: await res.body.json() };
}

describe("durability across crashes", () => {
  const receivers: Receiver[] = [];
  after(async () => {
    await Promise.all(receivers.map((r) => r.close()));
  });

  test("SIGKILL mid-delivery, restart: every accepted event is delivered at least once", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "herald-crash-"));
    // A receiver slow enough that many deliveries are in flight at the kill.
    const r = await startReceiver(() => ({ kind: "slow-body", status: 200, chunks: 3, everyMs: 50 }));
    receivers.push(r);
    const args = ["--data-dir", dataDir, "--admin-token", ADMIN, "--retry-schedule", "200ms,200ms,200ms,200ms,200ms"];
    let h = await spawnHerald(args);
    const acct = await call(h.url, "POST", "/v1/accounts", { name: "Crash" });
    const key = (await call(h.url, "POST", `/v1/accounts/${acct.body.id}/api_keys`, { mode: "test" })).body
      .secret as string;
    for (let i = 0; i < 3; i++) {
      const ep = await call(h.url, "POST", "/v1/webhooks", { url: `${r.url}/e${i}`, enabled_events: ["*"] }, key);
      assert.equal(ep.status, 201);
    }

    // Emit concurrently (16 clients), faster than the slow receiver takes them,
    // and kill once a sixth of the deliveries have arrived: a backlog is waiting
    // and many requests are in flight. Requests after the kill are refused.
    const N = 300;
    const load = startLoad({ target: () => h.url, key, count: N, clients: 16 });
    const accepted = load.accepted;
    await eventually(async () => r.received.length >= N / 2, 60_000, "deliveries under way");
    h.child.kill("SIGKILL");
    await h.exited;
    await load.done;
    const before = r.received.length;
    assert.ok(
      before < accepted.size * 3,
      `work was outstanding at the kill (${before} of ${accepted.size * 3} delivered)`,
    );

    h = await spawnHerald(args);
    const want = accepted.size * 3;
    const seen = () => {
      const byEndpoint = new Set(r.received.map((q) => `${q.path}|${JSON.parse(q.body).id}`));
      return [...accepted].every((id) => [0, 1, 2].every((i) => byEndpoint.has(`/e${i}|${id}`)));
    };
    await eventually(async () => seen(), 60_000, "every accepted event at every endpoint");
    const duplicates = r.received.length - new Set(r.received.map((q) => `${q.path}|${JSON.parse(q.body).id}`)).size;
    console.log(
      `durability: ${accepted.size} events accepted before SIGKILL (${want} deliveries), ${before} requests before the kill, ${r.received.length} in all, ${duplicates} duplicates`,
    );
    h.child.kill("SIGTERM");
    assert.equal(await h.exited, 0);
  });

  test("SIGTERM lets deliveries in flight finish, records them and exits 0", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "herald-term-"));
    const r = await startReceiver(() => ({ kind: "slow-body", status: 200, chunks: 5, everyMs: 100 }));
    receivers.push(r);
    const args = ["--data-dir", dataDir, "--admin-token", ADMIN];
    let h = await spawnHerald(args);
    const acct = await call(h.url, "POST", "/v1/accounts", { name: "Term" });
    const key = (await call(h.url, "POST", `/v1/accounts/${acct.body.id}/api_keys`, { mode: "test" })).body
      .secret as string;
    const ep = await call(h.url, "POST", "/v1/webhooks", { url: r.url, enabled_events: ["*"] }, key);
    for (let i = 0; i < 5; i++)
      await call(h.url, "POST", "/v1/events", { type: "refund.created", data: { object: {} } }, key);
    await r.waitFor(5);
    h.child.kill("SIGTERM");
    assert.equal(await h.exited, 0);

    h = await spawnHerald(args);
    const list = await call(h.url, "GET", `/v1/webhooks/${ep.body.id}/deliveries?limit=10`, undefined, key);
    const statuses = (list.body.data as { status: string }[]).map((d) => d.status);
    assert.deepEqual(statuses, ["succeeded", "succeeded", "succeeded", "succeeded", "succeeded"]);
    await new Promise((res) => setTimeout(res, 300));
    assert.equal(r.received.length, 5, "finished deliveries are not sent again");
    h.child.kill("SIGTERM");
    assert.equal(await h.exited, 0);
  });
});
