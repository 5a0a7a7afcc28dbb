/**
 * One slow endpoint never delays another; per-endpoint max_in_flight and
 * rate_limit hold. Assertions are on counts and order, not on speed.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { type LiveHerald, startHerald } from "../helpers/live-server.js";
import { ok, type Receiver, startReceiver } from "../helpers/receiver.js";
import { createEndpoint, emit } from "./flows.js";

describe("endpoint isolation and limits", () => {
  let h: LiveHerald;
  let key: string;
  const receivers: Receiver[] = [];

  before(async () => {
    // A long timeout: within this test no hanging request ends, whatever the machine's load.
    h = await startHerald({ retrySchedule: "1h", deliveryTimeout: "20000" });
    key = (await h.account()).testKey;
  });
  after(async () => {
    // Receivers first: closing them ends the hanging requests, so the graceful stop is quick.
    await Promise.all(receivers.map((r) => r.close()));
    await h.stop();
  });

  test("an endpoint that hangs until the timeout does not hold back a healthy one", async () => {
    const slow = await startReceiver(() => ({ kind: "hang" }));
    const healthy = await startReceiver(() => ok());
    receivers.push(slow, healthy);
    await createEndpoint(h, key, slow.url, { enabled_events: ["payment.succeeded"] });
    await createEndpoint(h, key, healthy.url, { enabled_events: ["payment.succeeded"] });
    const N = 60;
    for (let i = 0; i < N; i++) await emit(h, key);
    await healthy.waitFor(N);
    await slow.waitFor(20);
    // Every healthy delivery has arrived while the slow endpoint has not had a
    // single attempt end yet (its first ends at the 20 s timeout), and its
    // in-flight cap (default 20) kept it from taking more than its share.
    const slowDone = await h.api("GET", `/v1/deliveries?limit=100&status=pending`, undefined, key);
    assert.equal(healthy.received.length, N);
    assert.ok(
      slow.received.length <= 20,
      `the slow endpoint holds at most its in-flight cap, had ${slow.received.length}`,
    );
    assert.ok(slowDone.body.data.every((d: { attempt_count: number }) => d.attempt_count === 0));
  });

  test("max_in_flight caps concurrent requests to an endpoint", async () => {
    const r = await startReceiver(() => ({ kind: "slow-body", status: 200, chunks: 3, everyMs: 30 }));
    receivers.push(r);
    await createEndpoint(h, key, r.url, { enabled_events: ["refund.created"], max_in_flight: 2 });
    for (let i = 0; i < 12; i++) await emit(h, key, "refund.created");
    await r.waitFor(12);
    assert.equal(r.maxInFlight, 2);
  });

  test("rate_limit spaces deliveries to an endpoint", async () => {
    const r = await startReceiver(() => ok());
    receivers.push(r);
    await createEndpoint(h, key, r.url, { enabled_events: ["customer.created"], rate_limit: 4 });
    for (let i = 0; i < 10; i++) await emit(h, key, "customer.created");
    await r.waitFor(10);
    // A burst of 4, then 4 per second: the 10th cannot come before ~1.5 s.
    const span = (r.received[9]?.at ?? 0) - (r.received[0]?.at ?? 0);
    assert.ok(span >= 1300, `10 deliveries at 4/s took ${span} ms`);
  });
});

describe("slow endpoints that fill the process's budget", () => {
  let h: LiveHerald;
  const receivers: Receiver[] = [];

  before(async () => {
    // A budget of 48 held deliveries, 8 waiting per lane: four hanging
    // endpoints (20 in flight and 8 waiting each) hold more than all of it.
    h = await startHerald(
      { retrySchedule: "1h", deliveryTimeout: "20000" },
      { engine: { maxHeld: 48, perEndpointBuffer: 8 } },
    );
  });
  after(async () => {
    await Promise.all(receivers.map((r) => r.close()));
    await h.stop();
  });

  test("do not hold back a healthy endpoint: it keeps its fair share of the budget", async () => {
    const key = (await h.account()).testKey;
    const slow = await Promise.all(Array.from({ length: 4 }, () => startReceiver(() => ({ kind: "hang" }))));
    const healthy = await startReceiver(() => ok());
    receivers.push(...slow, healthy);
    for (const r of slow) await createEndpoint(h, key, r.url);
    await createEndpoint(h, key, healthy.url);
    const N = 60;
    for (let i = 0; i < N; i++) await emit(h, key);
    await healthy.waitFor(N);
    await Promise.all(slow.map((r) => r.waitFor(20)));
    // All of it arrived while no request to the slow endpoints had ended yet
    // (the first ends at the 20 s timeout): before the fair share, the
    // healthy deliveries beyond the budget waited for those timeouts.
    const pending = await h.api("GET", "/v1/deliveries?limit=100&status=pending", undefined, key);
    assert.equal(healthy.received.length, N);
    assert.ok(pending.body.data.length > 0);
    assert.ok(pending.body.data.every((d: { attempt_count: number }) => d.attempt_count === 0));
  });
});
