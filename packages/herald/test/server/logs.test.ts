/**
 * The JSON log of a real `herald serve` (its stderr, at debug level): every
 * line is JSON; delivery lines carry `event_id`, `delivery_id` and
 * `endpoint_id`; a delivery out of attempts and an endpoint disabled are
 * warnings; request lines carry the id the answer's `Request-Id` header
 * shows; and no secret — `whsec_`, `sk_test_`, `sk_live_`, the admin token —
 * is ever written, though all of them crossed the API during the run.
 */
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { type ChildHerald, spawnHerald } from "../helpers/child-server.js";
import { call } from "../helpers/http-api.js";
import { eventually } from "../helpers/live-server.js";
import { type Receiver, startReceiver, status } from "../helpers/receiver.js";

type Line = Record<string, unknown> & { level: number; msg: string };

describe("structured logs of a real server", () => {
  let h: ChildHerald;
  let failing: Receiver;
  let gone: Receiver;
  before(async () => {
    failing = await startReceiver(() => status(500));
    gone = await startReceiver(() => status(410));
    const dataDir = mkdtempSync(join(tmpdir(), "herald-logs-"));
    h = await spawnHerald(["--data-dir", dataDir, "--retry-schedule", "100ms"], { HERALD_LOG_LEVEL: "debug" });
  });
  after(async () => {
    h.child.kill("SIGTERM");
    await h.exited;
    await failing.close();
    await gone.close();
  });

  test("ids on delivery and request lines, warnings only for ends, no secrets anywhere", async () => {
    await eventually(async () => h.stdout.some((l) => l.startsWith("Demo account")));
    const admin = /Admin token .*: (\S+)$/.exec(h.stdout.find((l) => l.startsWith("Admin token")) ?? "")?.[1];
    const demo = /Demo account (acct_\S+), test secret key .*: (sk_test_\S+)$/.exec(
      h.stdout.find((l) => l.startsWith("Demo account")) ?? "",
    );
    assert.ok(admin !== undefined && demo?.[1] !== undefined && demo[2] !== undefined, h.stdout.join("\n"));
    const [, accountId, testKey] = demo as unknown as [string, string, string];

    const live = await call(h.url, admin, "POST", `/v1/accounts/${accountId}/api_keys`, { mode: "live" });
    assert.equal(live.status, 201, JSON.stringify(live.body));
    const liveKey = live.body.secret as string;
    const listed = await call(h.url, liveKey, "GET", "/v1/webhooks");
    assert.equal(listed.status, 200);
    const requestId = String(listed.headers["request-id"]);
    assert.match(requestId, /^req_/);

    const failingEp = await call(h.url, testKey, "POST", "/v1/webhooks", { url: failing.url, enabled_events: ["*"] });
    const goneEp = await call(h.url, testKey, "POST", "/v1/webhooks", { url: gone.url, enabled_events: ["*"] });
    assert.equal(failingEp.status, 201);
    const secrets = [admin, testKey, liveKey, failingEp.body.secret as string, goneEp.body.secret as string];
    const rotated = await call(h.url, testKey, "POST", `/v1/webhooks/${failingEp.body.id}/rotate_secret`, {});
    secrets.push(rotated.body.secret as string);
    const bad = await call(h.url, "sk_test_thisIsNotAKeyButLooksLikeOne1234", "GET", "/v1/webhooks");
    assert.equal(bad.status, 401);
    const event = await call(h.url, testKey, "POST", "/v1/events", {
      type: "payment.succeeded",
      data: { object: { id: "pay_1", amount: 100, currency: "usd" } },
    });
    assert.equal(event.status, 202);
    const [failedDelivery] = (await call(h.url, testKey, "GET", `/v1/webhooks/${failingEp.body.id}/deliveries`)).body
      .data;

    const lines = await eventually(async () => {
      const parsed = h
        .stderr()
        .split("\n")
        .filter((l) => l !== "")
        .map((l) => JSON.parse(l) as Line);
      const ended = parsed.some((l) => l.msg.startsWith("delivery failed") && l.endpoint_id === failingEp.body.id);
      const disabled = parsed.some((l) => l.msg.startsWith("endpoint disabled"));
      return ended && disabled ? parsed : null;
    }, 15_000);

    // Delivery lines carry the three ids.
    const attempts = lines.filter((l) => l.msg === "attempt" && l.endpoint_id === failingEp.body.id);
    assert.equal(attempts.length, 2);
    for (const a of attempts) {
      assert.equal(a.level, 20);
      assert.equal(a.event_id, event.body.id);
      assert.equal(a.delivery_id, failedDelivery.id);
    }
    const ended = lines.filter((l) => l.msg.startsWith("delivery failed") && l.endpoint_id === failingEp.body.id);
    assert.equal(ended.length, 1);
    assert.equal(ended[0]?.level, 40);
    assert.equal(ended[0]?.delivery_id, failedDelivery.id);
    assert.equal(ended[0]?.event_id, event.body.id);
    assert.equal(ended[0]?.endpoint_id, failingEp.body.id);
    const disabled = lines.find((l) => l.msg.startsWith("endpoint disabled"));
    assert.equal(disabled?.level, 40);
    assert.equal(disabled?.endpoint_id, goneEp.body.id);
    assert.equal(disabled?.reason, "gone");
    // A retry is not a warning: the only warnings are the ends — two deliveries out of attempts
    // (the 410 one ends at its first) and one endpoint disabled — besides the operator notices of them.
    const warnings = lines.filter((l) => l.level >= 40 && l.notice === undefined);
    assert.equal(warnings.length, 3, JSON.stringify(warnings));

    // Request lines carry the id the client saw.
    const req = lines.find((l) => l.req_id === requestId);
    assert.ok(req, "no log line carries the Request-Id of the answer");
    assert.equal(req.route, "/v1/webhooks");
    assert.equal(req.status, 200);

    // No secret, and no prefix of one, anywhere in the log.
    const text = h.stderr();
    for (const prefix of ["whsec_", "sk_test_", "sk_live_", "hat_"]) assert.ok(!text.includes(prefix), prefix);
    for (const secret of secrets) assert.ok(!text.includes(secret));
  });
});
