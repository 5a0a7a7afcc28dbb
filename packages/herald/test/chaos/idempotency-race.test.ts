/**
 * `Idempotency-Key` under concurrent duplicates: twenty identical requests
 * at once create exactly one object. Each answer is either the first answer
 * (byte for byte, replayed) or `409 idempotency_key_in_use`: the key is
 * claimed before the route runs, so the others do not wait for it. Stripe
 * answers a concurrent duplicate the same way (409, "another in-progress
 * request is using this key"); a client retries it after a pause.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, type TestContext, test } from "node:test";
import {
  type ApiHarness,
  type ApiResponse,
  endpointBody,
  errorOf,
  startApi,
  type TestAccount,
} from "../helpers/harness.js";
import { backends } from "../store/backends.js";

const N = 20;

/** Every answer is the first 2xx (identical text) or a 409 `idempotency_key_in_use`; returns the first. */
function oneAnswer(t: TestContext, answers: ApiResponse[], created: number): ApiResponse {
  const replays = answers.filter((a) => a.headers["idempotent-replayed"] === "true").length;
  const inUse = answers.filter((a) => a.status === 409).length;
  t.diagnostic(`${N - replays - inUse} ran, ${replays} replayed, ${inUse} answered 409 in use`);
  const firsts = answers.filter((a) => a.status === created);
  assert.ok(firsts.length >= 1, `one request ran: ${answers.map((a) => a.status).join(",")}`);
  const first = firsts[0] as ApiResponse;
  for (const a of answers) {
    if (a.status === created) assert.equal(a.text, first.text, "a replay is the first answer byte for byte");
    else {
      assert.equal(a.status, 409, a.text);
      assert.equal(errorOf(a).type, "conflict");
      assert.equal(errorOf(a).code, "idempotency_key_in_use");
    }
  }
  return first;
}

for (const backend of backends) {
  describe(`Idempotency-Key under ${N} concurrent duplicates (${backend.name})`, {
    skip: backend.skip ?? false,
  }, () => {
    let h: ApiHarness;
    let acct: TestAccount;
    before(async () => {
      h = await startApi({}, backend);
      acct = await h.account();
    });
    after(() => h.close());

    const idem = () => ({ headers: { "idempotency-key": `race-${randomBytes(8).toString("hex")}` } });

    test("POST /v1/webhooks: one endpoint, one secret; another body with the key is 409", async (t) => {
      const opts = idem();
      const body = endpointBody();
      const answers = await Promise.all(
        Array.from({ length: N }, () => h.api("POST", "/v1/webhooks", body, acct.testKey, opts)),
      );
      const first = oneAnswer(t, answers, 201);
      const list = await h.api("GET", "/v1/webhooks?limit=100", undefined, acct.testKey);
      const mine = list.body.data.filter((e: { url: string }) => e.url === body.url);
      assert.equal(mine.length, 1, "exactly one endpoint was created");
      assert.equal(mine[0].id, first.body.id);

      // Nothing half-written: the key was completed, so a retry now replays.
      const again = await h.api("POST", "/v1/webhooks", body, acct.testKey, opts);
      assert.equal(again.status, 201);
      assert.equal(again.text, first.text);
      assert.equal(again.headers["idempotent-replayed"], "true");

      const other = await h.api("POST", "/v1/webhooks", endpointBody(), acct.testKey, opts);
      assert.equal(other.status, 409);
      assert.equal(errorOf(other).code, "idempotency_key_reused");
      const after = await h.api("GET", "/v1/webhooks?limit=100", undefined, acct.testKey);
      assert.equal(after.body.data.length, list.body.data.length, "the refused request created nothing");
    });

    test("POST /v1/events: one event; another body with the key is 409", async (t) => {
      const opts = idem();
      const marker = randomBytes(6).toString("hex");
      const body = { type: "payment.succeeded", data: { object: { id: `pay_${marker}` } } };
      const answers = await Promise.all(
        Array.from({ length: N }, () => h.api("POST", "/v1/events", body, acct.testKey, opts)),
      );
      const first = oneAnswer(t, answers, 202);
      const events = await h.api("GET", "/v1/events?limit=100", undefined, acct.testKey);
      const mine = events.body.data.filter(
        (e: { data: { object: { id: string } } }) => e.data.object.id === `pay_${marker}`,
      );
      assert.equal(mine.length, 1, "exactly one event was emitted");
      assert.equal(mine[0].id, first.body.id);

      const other = await h.api("POST", "/v1/events", { ...body, type: "refund.created" }, acct.testKey, opts);
      assert.equal(other.status, 409);
      assert.equal(errorOf(other).code, "idempotency_key_reused");
    });

    test("POST /v1/events with one event id and no key: every answer is the one event", async () => {
      const id = `evt_race_${randomBytes(6).toString("hex")}`;
      const body = { id, type: "payment.succeeded", data: { object: { id: "pay_race" } } };
      const answers = await Promise.all(
        Array.from({ length: N }, () => h.api("POST", "/v1/events", body, acct.testKey)),
      );
      for (const a of answers) {
        assert.equal(a.status, 202, a.text);
        assert.equal(a.body.id, id);
        assert.equal(a.body.created, (answers[0] as ApiResponse).body.created);
      }
      const events = await h.api("GET", "/v1/events?limit=100", undefined, acct.testKey);
      assert.equal(events.body.data.filter((e: { id: string }) => e.id === id).length, 1);
    });
  });
}
