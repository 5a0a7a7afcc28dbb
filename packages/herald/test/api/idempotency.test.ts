import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { idempotencyHash } from "../../src/api/idempotency.js";
import { type ApiHarness, endpointBody, errorOf, startApi, type TestAccount } from "../helpers/harness.js";
import { backends } from "../store/backends.js";

for (const backend of backends) {
  describe(`idempotency API (${backend.name})`, { skip: backend.skip ?? false }, () => {
    let h: ApiHarness;
    let acct: TestAccount;
    before(async () => {
      h = await startApi({}, backend);
      acct = await h.account();
    });
    after(() => h.close());

    const key = (name: string) => ({ headers: { "idempotency-key": `${name}-${Math.random()}` } });

    describe("Idempotency-Key", () => {
      test("a retry returns the first answer, marked replayed, and creates nothing new", async () => {
        const opts = key("acct");
        const first = await h.api("POST", "/v1/accounts", { name: "Once" }, undefined, opts);
        assert.equal(first.status, 201);
        assert.equal(first.headers["idempotent-replayed"], undefined);
        const count = await h.store.countAccounts();

        const again = await h.api("POST", "/v1/accounts", { name: "Once" }, undefined, opts);
        assert.equal(again.status, 201);
        assert.equal(again.text, first.text);
        assert.equal(again.headers["idempotent-replayed"], "true");
        assert.equal(await h.store.countAccounts(), count);
      });

      test("an endpoint created twice with one key exists once and keeps its first secret", async () => {
        const opts = key("we");
        const body = endpointBody();
        const first = await h.api("POST", "/v1/webhooks", body, acct.testKey, opts);
        const again = await h.api("POST", "/v1/webhooks", body, acct.testKey, opts);
        assert.equal(first.status, 201);
        assert.equal(again.status, 201);
        assert.equal(again.body.id, first.body.id);
        assert.equal(again.body.secret, first.body.secret);
        const list = await h.api("GET", "/v1/webhooks?limit=100", undefined, acct.testKey);
        assert.equal(list.body.data.filter((e: { url: string }) => e.url === body.url).length, 1);
      });

      test("the same key with another body: 409 idempotency_key_reused", async () => {
        const opts = key("mismatch");
        assert.equal((await h.api("POST", "/v1/accounts", { name: "A" }, undefined, opts)).status, 201);
        const res = await h.api("POST", "/v1/accounts", { name: "B" }, undefined, opts);
        assert.equal(res.status, 409);
        assert.equal(errorOf(res).type, "conflict");
        assert.equal(errorOf(res).code, "idempotency_key_reused");
        // Another path with the same key is another request too.
        const other = await h.api("POST", `/v1/accounts/${acct.id}/api_keys`, { mode: "test" }, undefined, opts);
        assert.equal(other.status, 409);
      });

      test("operator events for two accounts with one key and one body are two requests", async () => {
        const other = await h.account();
        const opts = key("evt");
        const body = { type: "payment.succeeded", data: { object: { id: "pay_1" } }, livemode: false };
        const a = await h.api("POST", "/v1/events", body, undefined, {
          headers: { ...opts.headers, "herald-account": acct.id },
        });
        const b = await h.api("POST", "/v1/events", body, undefined, {
          headers: { ...opts.headers, "herald-account": other.id },
        });
        assert.equal(a.status, 202);
        assert.equal(b.status, 409);
        assert.equal(errorOf(b).code, "idempotency_key_reused");
      });

      test("keys are scoped: another account or mode may use the same key", async () => {
        const other = await h.account();
        const opts = key("scoped");
        const body = endpointBody();
        const mine = await h.api("POST", "/v1/webhooks", body, acct.testKey, opts);
        const theirs = await h.api("POST", "/v1/webhooks", body, other.testKey, opts);
        assert.equal(mine.status, 201);
        assert.equal(theirs.status, 201);
        assert.notEqual(mine.body.id, theirs.body.id);
        assert.equal(theirs.headers["idempotent-replayed"], undefined);
      });

      test("4xx answers are replayed too; requests refused by validation record nothing", async () => {
        const body = endpointBody();
        assert.equal((await h.api("POST", "/v1/webhooks", body, acct.testKey)).status, 201);
        const opts = key("taken");
        const taken = await h.api("POST", "/v1/webhooks", body, acct.testKey, opts);
        assert.equal(taken.status, 409);
        assert.equal(errorOf(taken).code, "url_taken");
        const replay = await h.api("POST", "/v1/webhooks", body, acct.testKey, opts);
        assert.equal(replay.status, 409);
        assert.equal(replay.headers["idempotent-replayed"], "true");

        const fresh = key("invalid");
        const invalid = await h.api("POST", "/v1/webhooks", { url: 5 }, acct.testKey, fresh);
        assert.equal(invalid.status, 400);
        const valid = await h.api("POST", "/v1/webhooks", endpointBody(), acct.testKey, fresh);
        assert.equal(valid.status, 201);
      });

      test("a key still running: 409 idempotency_key_in_use", async () => {
        const name = `running-${Math.random()}`;
        const raw = JSON.stringify({ name: "Slow" });
        // Claim the key exactly as an in-flight request would.
        await h.store.beginIdempotent("operator", name, idempotencyHash("POST", "/v1/accounts", "", raw), Date.now());
        const res = await h.api("POST", "/v1/accounts", undefined, undefined, {
          rawBody: raw,
          headers: { "idempotency-key": name },
        });
        assert.equal(res.status, 409);
        assert.equal(errorOf(res).code, "idempotency_key_in_use");
      });

      test("a key longer than 255 characters: 400 on Idempotency-Key", async () => {
        const res = await h.api("POST", "/v1/accounts", { name: "Long" }, undefined, {
          headers: { "idempotency-key": "k".repeat(256) },
        });
        assert.equal(res.status, 400);
        assert.equal(errorOf(res).param, "Idempotency-Key");
        const ok = await h.api("POST", "/v1/accounts", { name: "Long" }, undefined, {
          headers: { "idempotency-key": "k".repeat(255) },
        });
        assert.equal(ok.status, 201);
      });

      test("without a key, every POST runs", async () => {
        const a = await h.api("POST", "/v1/accounts", { name: "Twice" });
        const b = await h.api("POST", "/v1/accounts", { name: "Twice" });
        assert.notEqual(a.body.id, b.body.id);
      });
    });
  });
}
