/**
 * What the seller does to deliveries: disable and enable (no back-fill),
 * delete, resend and recover — against real receivers.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { eventually, type LiveHerald, startHerald } from "../helpers/live-server.js";
import { ok, type Receiver, startReceiver, status } from "../helpers/receiver.js";
import { createEndpoint, deliveriesOf, delivery, emit, settled } from "./flows.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("delivery lifecycle", () => {
  let h: LiveHerald;
  let key: string;
  const receivers: Receiver[] = [];
  const receiver = async (...args: Parameters<typeof startReceiver>): Promise<Receiver> => {
    const r = await startReceiver(...args);
    receivers.push(r);
    return r;
  };

  before(async () => {
    // Long retries: a failed first attempt leaves the delivery pending for the test to act on.
    h = await startHerald({ retrySchedule: "1h,1h", deliveryTimeout: "1000" });
    key = (await h.account()).testKey;
  });
  after(async () => {
    await h.stop();
    await Promise.all(receivers.map((r) => r.close()));
  });

  async function pendingAfterOneFailure(endpointId: string): Promise<string> {
    const d = await eventually(async () => {
      const [x] = await deliveriesOf(h, key, endpointId);
      return x?.attempt_count === 1 ? x : null;
    });
    assert.equal(d.status, "pending");
    assert.ok(
      d.next_attempt_at > Date.now() / 1000 + 2500,
      `the retry is scheduled an hour out (± 20 %): ${JSON.stringify(d)}`,
    );
    return d.id;
  }

  test("disable cancels pending deliveries; events while disabled are not back-filled on enable", async () => {
    let fail = true;
    const r = await receiver(() => (fail ? status(500) : ok()));
    const ep = await createEndpoint(h, key, r.url);
    await emit(h, key);
    const pendingId = await pendingAfterOneFailure(ep.id);

    const off = await h.api("PATCH", `/v1/webhooks/${ep.id}`, { status: "disabled" }, key);
    assert.equal(off.status, 200);
    assert.equal(off.body.status, "disabled");
    assert.equal((await delivery(h, key, pendingId)).status, "cancelled");

    await emit(h, key, "refund.created");
    fail = false;
    const on = await h.api("PATCH", `/v1/webhooks/${ep.id}`, { status: "enabled" }, key);
    assert.equal(on.body.status, "enabled");
    await sleep(500);
    assert.equal(r.received.length, 1, "nothing emitted while disabled arrives after enabling");
    assert.equal((await deliveriesOf(h, key, ep.id)).length, 1, "no delivery was created while disabled");

    const ev = await emit(h, key, "customer.created");
    const [, second] = await r.waitFor(2);
    assert.equal(JSON.parse(second?.body ?? "{}").id, ev.id, "events after enabling are delivered");
  });

  test("delete stops pending deliveries", async () => {
    const r = await receiver(() => status(500));
    const ep = await createEndpoint(h, key, r.url);
    await emit(h, key);
    const pendingId = await pendingAfterOneFailure(ep.id);
    const del = await h.api("DELETE", `/v1/webhooks/${ep.id}`, undefined, key);
    assert.deepEqual(del.body, { id: ep.id, object: "webhook_endpoint", deleted: true });
    assert.equal((await delivery(h, key, pendingId)).status, "cancelled");
    assert.equal((await h.api("GET", `/v1/webhooks/${ep.id}`, undefined, key)).status, 404);
  });

  test("resend makes a manual attempt now, whatever the status", async () => {
    const r = await receiver();
    const ep = await createEndpoint(h, key, r.url);
    const ev = await emit(h, key);
    const d = await settled(h, key, ep.id, "succeeded");
    const res = await h.api("POST", `/v1/deliveries/${d.id}/resend`, undefined, key);
    assert.ok(res.status === 200 || res.status === 202, JSON.stringify(res.body));
    const [, again] = await r.waitFor(2);
    assert.equal(JSON.parse(again?.body ?? "{}").id, ev.id);
    assert.equal(again?.headers["webhook-id"], ev.id, "same event id, so receivers can de-duplicate");
    const after = await eventually(async () => {
      const x = await delivery(h, key, d.id);
      return x.attempt_count === 2 && x.status === "succeeded" ? x : null;
    });
    assert.equal(after.attempts[0].trigger, "manual");
  });

  test("resend of a pending delivery sends now instead of in an hour", async () => {
    let fail = true;
    const r = await receiver(() => (fail ? status(500) : ok()));
    const ep = await createEndpoint(h, key, r.url);
    await emit(h, key);
    const id = await pendingAfterOneFailure(ep.id);
    fail = false;
    await h.api("POST", `/v1/deliveries/${id}/resend`, undefined, key);
    const d = await eventually(async () => {
      const x = await delivery(h, key, id);
      return x.status === "succeeded" ? x : null;
    });
    assert.equal(d.attempt_count, 2);
    assert.equal(d.attempts[0].trigger, "manual");
  });

  test("recover re-sends failed deliveries since a time", async () => {
    let fail = true;
    const r = await receiver(() => (fail ? status(500) : ok()));
    const ep = await createEndpoint(h, key, r.url);
    const since = Math.floor(Date.now() / 1000) - 1;
    await emit(h, key);
    await emit(h, key, "refund.created");
    const ids = await eventually(async () => {
      const list = await deliveriesOf(h, key, ep.id);
      return list.length === 2 && list.every((x) => x.attempt_count === 1) ? list.map((x) => x.id as string) : null;
    });
    // Disabling leaves them cancelled; enable and recover.
    await h.api("PATCH", `/v1/webhooks/${ep.id}`, { status: "disabled" }, key);
    await h.api("PATCH", `/v1/webhooks/${ep.id}`, { status: "enabled" }, key);
    fail = false;
    const rec = await h.api("POST", `/v1/webhooks/${ep.id}/recover`, { since }, key);
    assert.ok(rec.status === 200 || rec.status === 202, JSON.stringify(rec.body));
    assert.deepEqual(rec.body, { object: "recovery", count: 2 });
    for (const id of ids) {
      await eventually(async () => (await delivery(h, key, id)).status === "succeeded", 15_000, `recovered ${id}`);
    }
    assert.equal(r.received.length, 4);
  });
});
