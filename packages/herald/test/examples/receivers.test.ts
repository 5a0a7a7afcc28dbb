/**
 * examples/express-receiver and examples/fastify-receiver, started as a user
 * would, receiving a real Herald's deliveries: they verify and record the
 * event, reject a tampered copy, and drop a resend. The Express example's
 * SQLite idempotency store (examples/idempotency-sqlite) still drops it after
 * a restart.
 */
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { request } from "undici";
import { eventually, type LiveHerald, startHerald } from "../helpers/live-server.js";

const examples = new URL("../../../../../examples/", import.meta.url);

interface Example {
  url: string;
  received: { id: string; type: string }[];
  close(): Promise<void>;
}
type Start = (options: { secret: string; port: number; idempotencyDb?: string }) => Promise<Example>;

async function load(path: string, name: string): Promise<Start> {
  const module = (await import(new URL(path, examples).href)) as Record<string, Start>;
  return module[name] as Start;
}

describe("example receivers against a real Herald", () => {
  let h: LiveHerald;
  let key: string;

  before(async () => {
    h = await startHerald();
    key = (await h.account()).testKey;
  });
  after(() => h.stop());

  /** An endpoint for the example (secret first, URL once the example listens), then one event. */
  async function setUp(start: (secret: string) => Promise<Example>) {
    const endpoint = await h.api(
      "POST",
      "/v1/webhooks",
      { url: `http://127.0.0.1:9/${Math.random()}`, enabled_events: ["payment.*"] },
      key,
    );
    const example = await start(endpoint.body.secret);
    await h.api("PATCH", `/v1/webhooks/${endpoint.body.id}`, { url: example.url }, key);
    const event = await h.api(
      "POST",
      "/v1/events",
      { type: "payment.succeeded", data: { object: { id: "pay_example", amount: 4200, currency: "usd" } } },
      key,
    );
    await eventually(async () => example.received.length === 1, 15_000, "the example to record the event");
    const deliveries = await eventually(async () => {
      const list = await h.api(
        "GET",
        `/v1/deliveries?event_id=${event.body.id}&endpoint_id=${endpoint.body.id}`,
        undefined,
        key,
      );
      return list.body.data[0]?.status === "succeeded" && list;
    });
    return { example, endpointId: endpoint.body.id as string, eventId: event.body.id as string, deliveries };
  }

  async function resend(deliveryId: string): Promise<{ response_status: number; response_body: string }> {
    await h.api("POST", `/v1/deliveries/${deliveryId}/resend`, {}, key);
    const attempts = await eventually(async () => {
      const d = await h.api("GET", `/v1/deliveries/${deliveryId}`, undefined, key);
      return d.body.attempts.length >= 2 && d.body.attempts;
    });
    return attempts[0];
  }

  async function tampered(example: Example, eventId: string): Promise<number> {
    const res = await request(example.url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "webhook-id": eventId,
        "webhook-timestamp": String(Math.floor(Date.now() / 1000)),
        "webhook-signature": "v1,Zm9yZ2VkIHNpZ25hdHVyZSBmb3JnZWQgc2lnbmF0dXJlIQ==",
      },
      body: JSON.stringify({ id: eventId, object: "event", type: "payment.succeeded", data: { object: {} } }),
    });
    await res.body.dump();
    return res.statusCode;
  }

  for (const [dir, name] of [
    ["express-receiver/index.mjs", "startExpressReceiver"],
    ["fastify-receiver/index.mjs", "startFastifyReceiver"],
  ] as const) {
    test(`${dir.split("/")[0]}: verifies and records a delivery, rejects a tampered one, drops a resend`, async (t) => {
      const start = await load(dir, name);
      const { example, eventId, deliveries } = await setUp(async (secret) => {
        const started = await start({ secret, port: 0 });
        t.after(() => started.close());
        return started;
      });
      assert.deepEqual(example.received, [{ ...example.received[0], id: eventId, type: "payment.succeeded" }]);
      assert.equal(deliveries.body.data[0].status, "succeeded");
      assert.equal(await tampered(example, eventId), 400);
      const again = await resend(deliveries.body.data[0].id);
      assert.equal(again.response_status, 200);
      assert.match(again.response_body, /"duplicate":true/);
      assert.equal(example.received.length, 1);
    });
  }

  test("express-receiver with the SQLite idempotency store drops a resend even after a restart", async (t) => {
    const start = await load("express-receiver/index.mjs", "startExpressReceiver");
    const idempotencyDb = join(mkdtempSync(join(tmpdir(), "herald-example-")), "idempotency.db");
    let secret = "";
    let closed = false;
    const { example, deliveries } = await setUp(async (s) => {
      secret = s;
      const started = await start({ secret: s, port: 0, idempotencyDb });
      t.after(() => (closed ? undefined : started.close()));
      return started;
    });
    const port = new URL(example.url).port;
    await example.close();
    closed = true;
    const restarted = await start({ secret, port: Number(port), idempotencyDb });
    t.after(() => restarted.close());
    const again = await resend(deliveries.body.data[0].id);
    assert.equal(again.response_status, 200);
    assert.match(again.response_body, /"duplicate":true/);
    assert.equal(restarted.received.length, 0, "the restarted process did not handle it again");
  });
});
