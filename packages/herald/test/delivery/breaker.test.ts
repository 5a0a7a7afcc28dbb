/**
 * An endpoint that keeps failing is paused, probed with one delivery at a
 * time, and resumed when it answers; nothing it holds back is lost, and
 * editing the endpoint lifts the pause. The rule itself is checked on the
 * Breaker with an explicit clock; the flow against a real receiver.
 * Assertions are on counts, order and lower bounds of gaps, never on speed.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { request } from "undici";
import { Breaker, type BreakerOptions } from "../../src/delivery/breaker.js";
import { eventually, type LiveHerald, startHerald } from "../helpers/live-server.js";
import { ok, type Receiver, startReceiver } from "../helpers/receiver.js";
import { createEndpoint, deliveriesOf, emit } from "./flows.js";

type Json = any;

describe("Breaker rule", () => {
  test("pauses after the threshold, probes one at a time, doubles up to the cap, closes on success", () => {
    const b = new Breaker({ threshold: 3, pauseMs: 100, maxPauseMs: 250 });
    const item = (n: number) => ({ n });
    for (let i = 0; i < 2; i++) {
      assert.equal(b.gate(item(i), 0), 0);
      assert.equal(b.ended(item(i), false, 0), null);
    }
    assert.deepEqual(b.ended(item(2), false, 1000), { kind: "paused", pauseMs: 100, failures: 3 });
    assert.equal(b.paused, true);
    assert.equal(b.gate(item(3), 1040), 60, "waits out the pause");
    const probe = item(4);
    assert.equal(b.gate(probe, 1100), 0, "the probe goes");
    assert.equal(b.gate(item(5), 1100), -1, "nothing else while the probe is out");
    // A request sent before the pause ends late: it neither doubles nor lifts the pause.
    assert.equal(b.ended(item(2.5), false, 1150), null);
    assert.deepEqual(b.ended(probe, false, 1200), { kind: "paused", pauseMs: 200, failures: 5 });
    const probe2 = item(6);
    assert.equal(b.gate(probe2, 1400), 0);
    assert.deepEqual(b.ended(probe2, false, 1400), { kind: "paused", pauseMs: 250, failures: 6 }, "capped");
    // A probe that never went out (its lease was lost) lets the next one go.
    const lost = item(7);
    assert.equal(b.gate(lost, 1650), 0);
    assert.equal(b.ended(lost, null, 1650), null);
    const probe3 = item(8);
    assert.equal(b.gate(probe3, 1650), 0);
    assert.deepEqual(b.ended(probe3, true, 1660), { kind: "resumed" });
    assert.equal(b.paused, false);
    assert.equal(b.gate(item(9), 1660), 0);
    // A success in the run starts the count again.
    b.ended(item(10), false, 1700);
    b.ended(item(11), false, 1700);
    b.ended(item(12), true, 1700);
    assert.equal(b.ended(item(13), false, 1700), null);
    assert.equal(b.paused, false);
    // An idle endpoint keeps its run of failures for maxPauseMs, then forgets it.
    assert.equal(b.forgettable(1900), false);
    assert.equal(b.forgettable(1951), true);
  });
});

/**
 * A live Herald for one describe block, with these breaker settings and
 * retries an hour away (every request a receiver sees is a first attempt or
 * a probe), and the receivers its tests start, closed after it.
 */
function liveHerald(breaker: BreakerOptions): { h: LiveHerald; key: string; receivers: Receiver[] } {
  const live = { h: undefined as unknown as LiveHerald, key: "", receivers: [] as Receiver[] };
  before(async () => {
    live.h = await startHerald({ retrySchedule: "1h" }, { engine: { breaker } });
    live.key = (await live.h.account()).testKey;
  });
  after(async () => {
    await Promise.all(live.receivers.map((r) => r.close()));
    await live.h.stop();
  });
  return live;
}

describe("a failing endpoint is paused", () => {
  const live = liveHerald({ threshold: 5, pauseMs: 300, maxPauseMs: 1200 });

  test("after the threshold only probes go, spaced by growing pauses; the first success resumes the rest", async () => {
    const { h, key, receivers } = live;
    let answering = false;
    const r = await startReceiver(() => (answering ? ok() : { kind: "status", status: 500 }));
    receivers.push(r);
    // One at a time, so the run of failures is counted request by request.
    const ep = await createEndpoint(h, key, r.url, { max_in_flight: 1 });
    const N = 40;
    for (let i = 0; i < N; i++) await emit(h, key);
    await r.waitFor(8);
    const at = r.received.map((x) => x.at);
    const gap = (i: number) => (at[i] ?? 0) - (at[i - 1] ?? 0);
    // Requests 1–5 fail in a row; the 6th is the first probe after 300 ms,
    // the 7th after 600 ms, the 8th after 1200 ms (the cap).
    assert.ok(gap(5) >= 290, `first probe after ${gap(5)} ms`);
    assert.ok(gap(6) >= 590, `second probe after ${gap(6)} ms`);
    assert.ok(gap(7) >= 1190, `third probe after ${gap(7)} ms`);
    assert.equal(r.received.length, 8, "nothing but probes while paused");

    answering = true;
    const failed = await eventually(
      async () => {
        const ds: Json[] = await deliveriesOf(h, key, ep.id);
        const done = ds.filter((d) => d.status === "succeeded").length;
        const waiting = ds.filter((d) => d.status === "pending" && d.attempt_count === 1).length;
        return done + waiting === N ? waiting : null;
      },
      15_000,
      "every delivery succeeded or waiting for its retry",
    );
    // Every delivery reached the receiver once: the failed ones wait for their
    // retry in an hour, the rest arrived after the first successful probe.
    assert.equal(r.received.length, N);
    assert.equal(failed, 8, "the five that paused it and three probes");
    // The operator sees it: four pauses (the first and one per failed probe), one resume.
    const metrics = (await request(`${h.url}/metrics`).then((res) => res.body.text())).split("\n");
    assert.ok(metrics.includes('herald_endpoint_breaker_total{change="paused"} 4'), metrics.join("\n"));
    assert.ok(metrics.includes('herald_endpoint_breaker_total{change="resumed"} 1'), metrics.join("\n"));
  });
});

describe("editing a paused endpoint", () => {
  // A pause longer than the test's wait: only the edit can lift it.
  const live = liveHerald({ threshold: 5, pauseMs: 60_000, maxPauseMs: 60_000 });

  test("lifts the pause at once", async () => {
    const { h, key, receivers } = live;
    const broken = await startReceiver(() => ({ kind: "status", status: 503 }));
    const fixed = await startReceiver(() => ok());
    receivers.push(broken, fixed);
    const ep = await createEndpoint(h, key, broken.url, { max_in_flight: 1 });
    for (let i = 0; i < 10; i++) await emit(h, key);
    await broken.waitFor(5);
    const patched = await h.api("PATCH", `/v1/webhooks/${ep.id}`, { url: fixed.url }, key);
    assert.equal(patched.status, 200, JSON.stringify(patched.body));
    await fixed.waitFor(5, 15_000);
    assert.equal(broken.received.length, 5, "the broken URL saw the run that paused it, no probe");
    assert.equal(fixed.received.length, 5);
  });
});
