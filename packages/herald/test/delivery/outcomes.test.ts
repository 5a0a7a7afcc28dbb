/**
 * What happens to one delivery, by what the receiver does: real loopback
 * receivers that succeed, fail, hang, reset, redirect, go away and ask to
 * slow down.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { eventually, type LiveHerald, startHerald } from "../helpers/live-server.js";
import { ok, type Receiver, startReceiver, status } from "../helpers/receiver.js";
import { createEndpoint, deliveriesOf, emit, settled } from "./flows.js";

describe("delivery outcomes", () => {
  let h: LiveHerald;
  let key: string;
  const receivers: Receiver[] = [];
  const receiver = async (...args: Parameters<typeof startReceiver>): Promise<Receiver> => {
    const r = await startReceiver(...args);
    receivers.push(r);
    return r;
  };

  before(async () => {
    h = await startHerald({ retrySchedule: "300ms,300ms,300ms", deliveryTimeout: "700" });
    key = (await h.account()).testKey;
  });
  after(async () => {
    await h.stop();
    await Promise.all(receivers.map((r) => r.close()));
  });

  test("a 2xx succeeds at the first attempt, with the exact event body and headers", async () => {
    const r = await receiver();
    const ep = await createEndpoint(h, key, `${r.url}/hook`);
    const ev = await emit(h, key);
    const [req] = await r.waitFor(1);
    assert.ok(req);
    assert.equal(req.method, "POST");
    assert.equal(req.path, "/hook");
    assert.equal(req.headers["content-type"], "application/json");
    assert.match(String(req.headers["user-agent"]), /^Herald\/\d+\.\d+\.\d+/);
    assert.equal(req.headers["webhook-id"], ev.id);
    assert.match(String(req.headers["webhook-signature"]), /^v1,/);
    assert.deepEqual(JSON.parse(req.body), ev);
    const d = await settled(h, key, ep.id, "succeeded");
    assert.equal(d.attempt_count, 1);
    assert.equal(d.last_response_status, 200);
    assert.equal(d.next_attempt_at, null);
    assert.equal(d.attempts.length, 1);
    assert.equal(d.attempts[0].trigger, "scheduled");
    assert.equal(d.attempts[0].response_status, 200);
    assert.equal(d.attempts[0].response_body, "ok");
    assert.equal(d.attempts[0].error, null);
  });

  test("a 500 is retried on schedule and the second attempt succeeds; both attempts are logged", async () => {
    const r = await receiver((n) => (n === 0 ? status(500, {}, "boom") : ok()));
    const ep = await createEndpoint(h, key, r.url);
    await emit(h, key);
    const d = await settled(h, key, ep.id, "succeeded");
    assert.equal(d.attempt_count, 2);
    const [second, first] = d.attempts;
    assert.equal(first.response_status, 500);
    assert.equal(first.response_body, "boom");
    assert.equal(first.error, "http_error");
    assert.equal(first.trigger, "scheduled");
    assert.equal(second.response_status, 200);
    assert.equal(second.trigger, "retry");
    const gap = (r.received[1]?.at ?? 0) - (r.received[0]?.at ?? 0);
    assert.ok(gap >= 200, `the retry waited for its schedule (300 ms ± 20 %), waited ${gap} ms`);
  });

  test("a receiver that hangs past the timeout fails with `timeout`", async () => {
    const r = await receiver((n) => (n === 0 ? { kind: "hang" } : ok()));
    const ep = await createEndpoint(h, key, r.url);
    await emit(h, key);
    const d = await settled(h, key, ep.id, "succeeded");
    const first = d.attempts[d.attempts.length - 1];
    assert.equal(first.error, "timeout");
    assert.equal(first.response_status, null);
    assert.ok(first.duration_ms >= 600, `ended by the 700 ms timeout, took ${first.duration_ms} ms`);
  });

  test("a connection reset fails with `connection_reset`; a closed port with `connection_refused`", async () => {
    const r = await receiver((n) => (n === 0 ? { kind: "reset" } : ok()));
    const ep = await createEndpoint(h, key, r.url);
    await emit(h, key);
    const d = await settled(h, key, ep.id, "succeeded");
    assert.equal(d.attempts[d.attempts.length - 1].error, "connection_reset");

    const gone = await receiver();
    const url = gone.url;
    await gone.close();
    // A path of its own: the freed port may be handed to a later receiver of
    // this suite, whose bare URL would then be taken (409 url_taken).
    const ep2 = await createEndpoint(h, key, `${url}/closed`);
    await emit(h, key);
    const d2 = await eventually(async () => {
      const [x] = await deliveriesOf(h, key, ep2.id);
      return x !== undefined && x.attempt_count > 0 ? x : null;
    });
    const full = await h.api("GET", `/v1/deliveries/${d2.id}`, undefined, key);
    assert.equal(full.body.attempts[0].error, "connection_refused");
  });

  test("a redirect is not followed and counts as a failure", async () => {
    const target = await receiver();
    const r = await receiver((n) => (n === 0 ? status(302, { location: `${target.url}/elsewhere` }) : ok()));
    const ep = await createEndpoint(h, key, r.url);
    await emit(h, key);
    const d = await settled(h, key, ep.id, "succeeded");
    const first = d.attempts[d.attempts.length - 1];
    assert.equal(first.response_status, 302);
    assert.equal(first.error, "redirect");
    assert.equal(target.received.length, 0, "the Location was never requested");
  });

  test("410 Gone disables the endpoint at once and fails the delivery", async () => {
    const r = await receiver(() => status(410));
    const ep = await createEndpoint(h, key, r.url);
    await emit(h, key);
    const d = await settled(h, key, ep.id, "failed");
    assert.equal(d.attempt_count, 1);
    const e = await eventually(async () => {
      const x = await h.api("GET", `/v1/webhooks/${ep.id}`, undefined, key);
      return x.body.status === "disabled" ? x.body : null;
    });
    assert.equal(e.disabled_reason, "gone");
    await emit(h, key);
    await new Promise((res) => setTimeout(res, 400));
    assert.equal(r.received.length, 1, "a disabled endpoint receives nothing more");
  });

  test("429 with Retry-After waits as asked, within the scheduled delay and twice it", async () => {
    // schedule 300 ms: without Retry-After the retry comes after 240–360 ms;
    // Retry-After: 1 asks for 1 s and is held at twice the delay, 600 ms.
    const r = await receiver((n) => (n === 0 ? status(429, { "retry-after": "1" }) : ok()));
    const ep = await createEndpoint(h, key, r.url);
    await emit(h, key);
    await settled(h, key, ep.id, "succeeded");
    const gap = (r.received[1]?.at ?? 0) - (r.received[0]?.at ?? 0);
    assert.ok(gap >= 550, `Retry-After moved the retry to ~600 ms, got ${gap} ms`);
    assert.ok(gap < 1000, `Retry-After is capped at twice the scheduled delay, got ${gap} ms`);
  });

  test("retries exhausted: the delivery ends `failed` after schedule length + 1 attempts", async () => {
    const r = await receiver(() => status(503));
    const ep = await createEndpoint(h, key, r.url);
    await emit(h, key);
    const d = await settled(h, key, ep.id, "failed");
    assert.equal(d.attempt_count, 4);
    assert.equal(d.max_attempts, 4);
    assert.equal(d.attempts.length, 4);
    assert.deepEqual(
      d.attempts.map((a: { trigger: string }) => a.trigger),
      ["retry", "retry", "retry", "scheduled"],
    );
    assert.equal(r.received.length, 4);
  });
});
