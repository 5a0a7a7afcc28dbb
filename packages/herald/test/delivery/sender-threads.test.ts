/**
 * Sends on worker threads: each attempt is signed there with the endpoint's
 * current secrets and its end comes back; a thread that dies with requests
 * out ends them (they become failed attempts, retried on schedule), and is
 * replaced, or, when it died young, sending moves to the main thread.
 * Threads are killed for real (Worker#terminate) against real receivers.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import pino from "pino";
import { Webhook } from "standardwebhooks";
import type { SenderEndpoint } from "../../src/delivery/sender.js";
import { SenderThreads } from "../../src/delivery/sender-threads.js";
import { SecretBox } from "../../src/secrets/secret-box.js";
import { eventually, type LiveHerald, startHerald } from "../helpers/live-server.js";
import { ok, type Receiver, startReceiver } from "../helpers/receiver.js";
import { createEndpoint, deliveriesOf, delivery, emit } from "./flows.js";

const masterKey = Buffer.alloc(32, 9);
const box = new SecretBox(masterKey);
const SECRET_A = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const SECRET_B = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";

function threads(o: { threads?: number; minLifeMs?: number } = {}): SenderThreads {
  return new SenderThreads({
    threads: o.threads ?? 2,
    masterKey,
    secretBox: box,
    timeoutMs: 5000,
    allowPrivateTargets: true,
    version: "0.0.0-test",
    logger: pino({ level: "silent" }),
    ...(o.minLifeMs === undefined ? {} : { minLifeMs: o.minLifeMs }),
  });
}

const endpoint = (id: string, url: string, secret: string): SenderEndpoint => ({
  id,
  url,
  mode: "test",
  signatureScheme: "standard",
  signatureHeader: null,
  timestampHeader: null,
  secrets: [{ ciphertext: box.seal(secret), expiresAt: null }],
});

const body = (n: number) => JSON.stringify({ id: `evt_${n}`, object: "event", data: { n } });

describe("sender threads", () => {
  let r: Receiver;
  before(async () => {
    r = await startReceiver((_, req) => (req.path.startsWith("/hang") ? { kind: "hang" } : ok()));
  });
  after(() => r.close());

  test("sign with the endpoint's current secret on every thread, and hand back each answer", async () => {
    const s = threads({ threads: 2 });
    try {
      const eps = Array.from({ length: 6 }, (_, i) => endpoint(`we_${i}`, `${r.url}/ok/${i}`, SECRET_A));
      const results = await Promise.all(eps.map((e, i) => s.send(e, `evt_${i}`, body(i), Date.now())));
      for (const res of results) {
        assert.equal(res.ok, true);
        assert.equal(res.status, 200);
        assert.equal(res.requestHeaders?.["user-agent"], "Herald/0.0.0-test");
      }
      // The secret was rotated: the thread is told the new fields with the next send.
      const rotated = { ...(eps[0] as SenderEndpoint), secrets: [{ ciphertext: box.seal(SECRET_B), expiresAt: null }] };
      const before = r.received.length;
      assert.equal((await s.send(rotated, "evt_r", body(99), Date.now())).ok, true);
      const got = r.received[before];
      assert.ok(got !== undefined);
      const headers = got.headers as Record<string, string>;
      assert.doesNotThrow(() => new Webhook(SECRET_B).verify(got.body, headers));
      assert.throws(() => new Webhook(SECRET_A).verify(got.body, headers));
      assert.equal(s.workers.length, 2);
    } finally {
      await s.close();
    }
  });

  test("a thread killed with requests out ends them, and a new thread takes its place", async () => {
    const s = threads({ threads: 1, minLifeMs: 0 });
    try {
      const hanging = s.send(endpoint("we_h", `${r.url}/hang/1`, SECRET_A), "evt_h", body(1), Date.now());
      await eventually(async () => r.received.some((q) => q.path === "/hang/1"), 10_000, "the request out");
      const first = s.workers[0];
      await first?.terminate();
      await assert.rejects(hanging, /sender thread exited/);
      await eventually(async () => s.workers[0] !== first, 10_000, "a new thread");
      const res = await s.send(endpoint("we_h", `${r.url}/ok/after`, SECRET_A), "evt_a", body(2), Date.now());
      assert.equal(res.ok, true, "the new thread was told the endpoint afresh");
    } finally {
      await s.close();
    }
  });

  test("a thread that dies young is not replaced: sends go on the main thread", async () => {
    const s = threads({ threads: 1 });
    try {
      const first = s.workers[0];
      await first?.terminate();
      await eventually(async () => {
        const res = await s.send(endpoint("we_y", `${r.url}/ok/young`, SECRET_A), "evt_y", body(3), Date.now());
        return res.ok;
      });
      assert.equal(s.workers[0], first, "not replaced");
    } finally {
      await s.close();
    }
  });
});

describe("sender threads in herald serve", () => {
  let h: LiveHerald;
  let r: Receiver;
  let hangFirst = true;
  before(async () => {
    r = await startReceiver(() => {
      if (hangFirst) {
        hangFirst = false;
        return { kind: "hang" };
      }
      return ok();
    });
    h = await startHerald({ retrySchedule: "200ms" });
  });
  after(async () => {
    await h.stop();
    await r.close();
  });

  test("an attempt whose thread died is a failed attempt, and the retry arrives", async () => {
    const acct = await h.account();
    const ep = await createEndpoint(h, acct.testKey, `${r.url}/hook`);
    await emit(h, acct.testKey);
    await r.waitFor(1);
    const sender = h.server.sender as SenderThreads;
    await sender.workers[0]?.terminate();
    const [d] = await eventually(async () => {
      const list = await deliveriesOf(h, acct.testKey, ep.id);
      return list[0]?.status === "succeeded" ? list : null;
    });
    const full = await delivery(h, acct.testKey, d.id);
    assert.deepEqual(
      full.attempts.map((a: { error: string | null }) => a.error),
      [null, "network_error"],
      "newest first: the retry, after the lost attempt",
    );
    assert.equal(r.received.length, 2);
  });
});
