import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { type ApiHarness, errorOf, startApi } from "../helpers/harness.js";
import { backends } from "../store/backends.js";

for (const backend of backends) {
  describe(`accounts API (${backend.name})`, { skip: backend.skip ?? false }, () => {
    let h: ApiHarness;
    before(async () => {
      h = await startApi({}, backend);
    });
    after(() => h.close());

    describe("POST /v1/accounts", () => {
      test("creates an account, plan pro by default, times in unix seconds", async () => {
        const before = Math.floor(Date.now() / 1000);
        const res = await h.api("POST", "/v1/accounts", { name: "Acme" });
        assert.equal(res.status, 201);
        assert.match(res.body.id, /^acct_[0-9A-Za-z]{24}$/);
        assert.deepEqual(Object.keys(res.body).sort(), ["created", "id", "name", "object", "plan"]);
        assert.equal(res.body.object, "account");
        assert.equal(res.body.name, "Acme");
        assert.equal(res.body.plan, "pro");
        assert.ok(res.body.created >= before && res.body.created <= Math.floor(Date.now() / 1000) + 1);
      });

      test("takes a plan", async () => {
        const res = await h.api("POST", "/v1/accounts", { name: "Big", plan: "business" });
        assert.equal(res.status, 201);
        assert.equal(res.body.plan, "business");
      });

      test("bad bodies answer 400 with the field at fault", async () => {
        const cases: [unknown, string, string][] = [
          [{}, "parameter_missing", "name"],
          [{ name: "" }, "parameter_invalid", "name"],
          [{ name: "x".repeat(201) }, "parameter_invalid", "name"],
          [{ name: 42 }, "parameter_invalid", "name"],
          [{ name: "A", plan: "gold" }, "parameter_invalid", "plan"],
          [{ name: "A", owner: "me" }, "parameter_unknown", "owner"],
        ];
        for (const [body, code, param] of cases) {
          const res = await h.api("POST", "/v1/accounts", body);
          assert.equal(res.status, 400, JSON.stringify(body));
          const error = errorOf(res);
          assert.equal(error.type, "invalid_request_error");
          assert.equal(error.code, code, JSON.stringify(body));
          assert.equal(error.param, param);
          assert.ok(error.message.length > 10);
        }
        const gold = await h.api("POST", "/v1/accounts", { name: "A", plan: "gold" });
        assert.match(errorOf(gold).message, /`free`, `pro`, `business`/);
      });

      test("a number is not coerced from a string in a body", async () => {
        const res = await h.api("POST", "/v1/accounts", { name: ["A"] });
        assert.equal(res.status, 400);
        assert.match(errorOf(res).message, /expected a string, got an array/);
      });
    });

    describe("GET /v1/accounts", () => {
      test("lists newest first and pages with limit, starting_after and ending_before", async () => {
        const ids: string[] = [];
        for (let i = 0; i < 5; i++) ids.push((await h.api("POST", "/v1/accounts", { name: `Page ${i}` })).body.id);
        const newest = [...ids].reverse();

        const first = await h.api("GET", "/v1/accounts?limit=2");
        assert.equal(first.status, 200);
        assert.equal(first.body.object, "list");
        assert.deepEqual(
          first.body.data.map((a: { id: string }) => a.id),
          newest.slice(0, 2),
        );
        assert.equal(first.body.has_more, true);

        const second = await h.api("GET", `/v1/accounts?limit=2&starting_after=${newest[1]}`);
        assert.deepEqual(
          second.body.data.map((a: { id: string }) => a.id),
          newest.slice(2, 4),
        );
        assert.equal(second.body.has_more, true);

        const back = await h.api("GET", `/v1/accounts?limit=2&ending_before=${newest[2]}`);
        assert.deepEqual(
          back.body.data.map((a: { id: string }) => a.id),
          newest.slice(0, 2),
        );
        assert.equal(back.body.has_more, false);
      });

      test("default limit is 10", async () => {
        for (let i = 0; i < 11; i++) await h.api("POST", "/v1/accounts", { name: `Many ${i}` });
        const res = await h.api("GET", "/v1/accounts");
        assert.equal(res.body.data.length, 10);
        assert.equal(res.body.has_more, true);
      });

      test("limit outside 1–100, a non-number, both cursors or an unknown query field answer 400", async () => {
        for (const query of ["limit=0", "limit=101", "limit=abc", "limit=2.5"]) {
          const res = await h.api("GET", `/v1/accounts?${query}`);
          assert.equal(res.status, 400, query);
          assert.equal(errorOf(res).param, "limit");
          assert.equal(errorOf(res).code, "parameter_invalid");
        }
        const both = await h.api("GET", "/v1/accounts?starting_after=acct_a&ending_before=acct_b");
        assert.equal(both.status, 400);
        assert.equal(errorOf(both).param, "ending_before");
        const unknown = await h.api("GET", "/v1/accounts?sort=asc");
        assert.equal(unknown.status, 400);
        assert.equal(errorOf(unknown).code, "parameter_unknown");
        assert.equal(errorOf(unknown).param, "sort");
      });

      test("an unknown cursor gives an empty page", async () => {
        const res = await h.api("GET", "/v1/accounts?starting_after=acct_doesnotexist");
        assert.equal(res.status, 200);
        assert.deepEqual(res.body.data, []);
        assert.equal(res.body.has_more, false);
      });
    });

    describe("GET and PATCH /v1/accounts/:id", () => {
      test("retrieves, renames and changes the plan", async () => {
        const created = (await h.api("POST", "/v1/accounts", { name: "Old", plan: "free" })).body;
        const got = await h.api("GET", `/v1/accounts/${created.id}`);
        assert.equal(got.status, 200);
        assert.deepEqual(got.body, created);

        const renamed = await h.api("PATCH", `/v1/accounts/${created.id}`, { name: "New" });
        assert.equal(renamed.status, 200);
        assert.equal(renamed.body.name, "New");
        assert.equal(renamed.body.plan, "free");

        const upgraded = await h.api("PATCH", `/v1/accounts/${created.id}`, { plan: "business" });
        assert.equal(upgraded.body.plan, "business");
        assert.equal((await h.api("GET", `/v1/accounts/${created.id}`)).body.plan, "business");
      });

      test("an empty PATCH changes nothing", async () => {
        const created = (await h.api("POST", "/v1/accounts", { name: "Same" })).body;
        const res = await h.api("PATCH", `/v1/accounts/${created.id}`, {});
        assert.equal(res.status, 200);
        assert.deepEqual(res.body, created);
      });

      test("unknown ids answer 404, bad patches 400", async () => {
        const get = await h.api("GET", "/v1/accounts/acct_nope");
        assert.equal(get.status, 404);
        assert.equal(errorOf(get).type, "not_found");
        assert.equal(errorOf(get).code, "resource_missing");
        assert.equal((await h.api("PATCH", "/v1/accounts/acct_nope", { name: "X" })).status, 404);
        const created = (await h.api("POST", "/v1/accounts", { name: "P" })).body;
        const bad = await h.api("PATCH", `/v1/accounts/${created.id}`, { plan: "platinum" });
        assert.equal(bad.status, 400);
        assert.equal(errorOf(bad).param, "plan");
      });
    });

    describe("POST /v1/accounts/:id/api_keys", () => {
      test("creates test and live keys, shown once, that authenticate as the account", async () => {
        const acct = (await h.api("POST", "/v1/accounts", { name: "Keys" })).body;
        const test = await h.api("POST", `/v1/accounts/${acct.id}/api_keys`, { mode: "test" });
        assert.equal(test.status, 201);
        assert.match(test.body.id, /^key_/);
        assert.equal(test.body.object, "api_key");
        assert.equal(test.body.mode, "test");
        assert.match(test.body.secret, /^sk_test_[A-Za-z0-9_-]{40,}$/);
        assert.equal(typeof test.body.created, "number");

        const live = await h.api("POST", `/v1/accounts/${acct.id}/api_keys`, { mode: "live" });
        assert.match(live.body.secret, /^sk_live_/);

        const asTest = await h.api("GET", "/v1/webhooks", undefined, test.body.secret);
        assert.equal(asTest.status, 200);
        const asLive = await h.api("GET", "/v1/webhooks", undefined, live.body.secret);
        assert.equal(asLive.status, 200);
      });

      test("unknown account 404, bad mode 400", async () => {
        assert.equal((await h.api("POST", "/v1/accounts/acct_nope/api_keys", { mode: "test" })).status, 404);
        const acct = (await h.api("POST", "/v1/accounts", { name: "Keys" })).body;
        const bad = await h.api("POST", `/v1/accounts/${acct.id}/api_keys`, { mode: "prod" });
        assert.equal(bad.status, 400);
        assert.equal(errorOf(bad).param, "mode");
        const missing = await h.api("POST", `/v1/accounts/${acct.id}/api_keys`, {});
        assert.equal(errorOf(missing).code, "parameter_missing");
      });
    });

    describe("operator routes refuse account keys", () => {
      test("401 operator_token_required on every operator route", async () => {
        const acct = await h.account();
        const calls: [string, string, unknown?][] = [
          ["POST", "/v1/accounts", { name: "X" }],
          ["GET", "/v1/accounts"],
          ["GET", `/v1/accounts/${acct.id}`],
          ["PATCH", `/v1/accounts/${acct.id}`, { plan: "business" }],
          ["POST", `/v1/accounts/${acct.id}/api_keys`, { mode: "live" }],
          ["POST", "/v1/event_types", { name: "x.y", description: "d", group: "g" }],
        ];
        for (const [method, path, body] of calls) {
          const res = await h.api(method, path, body, acct.testKey);
          assert.equal(res.status, 401, `${method} ${path}`);
          assert.equal(errorOf(res).type, "authentication_error");
          assert.equal(errorOf(res).code, "operator_token_required");
        }
        // Nothing changed behind the refusals.
        assert.equal((await h.api("GET", `/v1/accounts/${acct.id}`)).body.plan, "pro");
      });
    });
  });
}
