/**
 * `herald serve` as a user starts it: the startup line, first-start state
 * printed once, the data-dir lock, /healthz, and secrets kept only encrypted
 * or hashed on disk.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { request } from "undici";
import { spawnHerald } from "../helpers/child-server.js";
import { eventually } from "../helpers/live-server.js";
import { startReceiver } from "../helpers/receiver.js";

async function call(url: string, method: string, path: string, token: string, body?: unknown, headers = {}) {
  const res = await request(`${url}${path}`, {
    method: method as "POST",
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { "content-type": "application/json" }),
      ...headers,
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.statusCode, body: (await res.body.json()) as any };
}

describe("herald serve", () => {
  test("first start prints the listening line, the admin token and a demo key once; they work", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "herald-serve-"));
    const h = await spawnHerald(["--data-dir", dataDir]);
    assert.match(h.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    await eventually(async () => h.stdout.some((l) => l.startsWith("Demo account")));
    const token = /Admin token .*: (\S+)$/.exec(h.stdout.find((l) => l.startsWith("Admin token")) ?? "")?.[1];
    const demo = /Demo account (acct_\S+), test secret key .*: (sk_test_\S+)$/.exec(
      h.stdout.find((l) => l.startsWith("Demo account")) ?? "",
    );
    assert.ok(token, h.stdout.join("\n"));
    assert.ok(demo, h.stdout.join("\n"));
    assert.ok(h.stdout.some((l) => /^Operator webhook secret .*: whsec_/.test(l)));

    const health = await request(`${h.url}/healthz`);
    assert.equal(health.statusCode, 200);
    await health.body.dump();
    const accounts = await call(h.url, "GET", "/v1/accounts", token);
    assert.equal(accounts.status, 200);
    assert.deepEqual(
      accounts.body.data.map((a: { id: string }) => a.id),
      [demo[1]],
    );
    const types = await call(h.url, "GET", "/v1/event_types", demo[2] as string);
    assert.equal(types.status, 200);

    // a second process on the same data dir is refused
    await assert.rejects(spawnHerald(["--data-dir", dataDir]), /Another Herald/);

    // secrets made on this store never sit on disk in clear, not even in the
    // stored answer of an idempotent request that returned one
    const r = await startReceiver();
    const ep = await call(
      h.url,
      "POST",
      "/v1/webhooks",
      demo[2] as string,
      { url: r.url, enabled_events: ["*"] },
      { "idempotency-key": "create-endpoint-1" },
    );
    assert.equal(ep.status, 201);
    const replay = await call(
      h.url,
      "POST",
      "/v1/webhooks",
      demo[2] as string,
      { url: r.url, enabled_events: ["*"] },
      { "idempotency-key": "create-endpoint-1" },
    );
    assert.equal(replay.body.secret, ep.body.secret, "the replay answers the first answer");
    await call(h.url, "POST", "/v1/events", demo[2] as string, { type: "payment.succeeded", data: { object: {} } });
    await r.waitFor(1);
    await r.close();

    h.child.kill("SIGTERM");
    assert.equal(await h.exited, 0);
    for (const f of readdirSync(dataDir)) {
      const text = readFileSync(join(dataDir, f)).toString("latin1");
      for (const secret of [ep.body.secret, demo[2], token]) {
        assert.ok(!text.includes(secret), `${f} holds a secret in clear`);
      }
    }

    // the second start creates nothing new and prints no secret
    const again = await spawnHerald(["--data-dir", dataDir]);
    await new Promise((res) => setTimeout(res, 200));
    assert.deepEqual(again.stdout, [`Herald listening on ${again.url}`]);
    assert.equal((await call(again.url, "GET", "/v1/accounts", token)).status, 200);
    again.child.kill("SIGTERM");
    assert.equal(await again.exited, 0);
  });

  test("configuration errors are reported clearly and the process exits non-zero", async () => {
    await assert.rejects(spawnHerald(["--retry-schedule", "5 parsecs"]), /Invalid retry schedule entry/);
    await assert.rejects(spawnHerald(["--port", "99999"]), /Invalid port/);
  });
});
