/**
 * An endpoint that hangs while events keep coming parks its overflow in the
 * store instead of at the head of the due queue: another endpoint's retries
 * stay on schedule, and the parked deliveries are sent once the slow
 * endpoint answers again. Assertions are on counts and states, not speed.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { eventually, type LiveHerald, startHerald } from "../helpers/live-server.js";
import { ok, type Receiver, startReceiver } from "../helpers/receiver.js";
import { createEndpoint, deliveriesOf, emit } from "./flows.js";

type Json = any;

describe("parked overflow of a slow endpoint", () => {
  let h: LiveHerald;
  let key: string;
  const receivers: Receiver[] = [];

  before(async () => {
    // A lane buffer of 4: with max_in_flight 2, the third delivery onwards of
    // the hanging endpoint is declined at ingest and parked.
    // The breaker is set out of reach: the failing endpoint's 30 failures in
    // a row would pause it, and this test is about parking (breaker.test.ts
    // is about pausing).
    h = await startHerald(
      { retrySchedule: "1s,1s", deliveryTimeout: "8000" },
      { engine: { perEndpointBuffer: 4, breaker: { threshold: 1000 } } },
    );
    key = (await h.account()).testKey;
  });
  after(async () => {
    await Promise.all(receivers.map((r) => r.close()));
    await h.stop();
  });

  test("parked deliveries do not hold back another endpoint's retries, and are sent when the endpoint recovers", async () => {
    let recovered = false;
    const slow = await startReceiver(() => (recovered ? ok() : { kind: "hang" }));
    const failing = await startReceiver(() => ({ kind: "status", status: 500 }));
    receivers.push(slow, failing);
    const slowEp = await createEndpoint(h, key, slow.url, { max_in_flight: 2 });
    const failingEp = await createEndpoint(h, key, failing.url);
    const N = 30;
    for (let i = 0; i < N; i++) await emit(h, key);

    // The failing endpoint's first retries come due 1 s later and are
    // claimed while the slow endpoint still hangs with its overflow parked.
    await eventually(
      async () => (await deliveriesOf(h, key, failingEp.id)).every((d: Json) => d.attempt_count >= 2),
      7_000,
      "every failing delivery retried once",
    );
    assert.ok(
      slow.received.length <= 2,
      `the hanging endpoint holds at most max_in_flight, had ${slow.received.length}`,
    );
    const waiting = await deliveriesOf(h, key, slowEp.id);
    assert.equal(waiting.length, N);
    const untried = waiting.filter((d: Json) => d.status === "pending" && d.attempt_count === 0);
    assert.ok(untried.length >= N - 2, `${untried.length} of ${N} still waiting untried`);
    const now = Math.floor(Date.now() / 1000);
    // Parked ones show as due since their creation; the few in the lane's
    // buffer show their lease's end.
    const shownDue = untried.filter((d: Json) => d.next_attempt_at <= now);
    assert.ok(shownDue.length >= N - 2 - 4, `${shownDue.length} parked deliveries shown as due`);

    // The endpoint answers again: the hanging attempts time out and are
    // retried, and every parked delivery is taken back and sent.
    recovered = true;
    await eventually(
      async () => (await deliveriesOf(h, key, slowEp.id)).every((d: Json) => d.status === "succeeded"),
      30_000,
      "every delivery of the recovered endpoint succeeded",
    );
    const ids = new Set(slow.received.map((r) => r.headers["webhook-id"]));
    assert.equal(ids.size, N, "each event reached the recovered endpoint");
  });
});
