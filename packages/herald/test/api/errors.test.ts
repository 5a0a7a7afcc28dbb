/** The edge: whatever a client sends, the answer is a contract error, never a 500. */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { type ApiHarness, endpointBody, errorOf, startApi, type TestAccount } from "../helpers/harness.js";
import { backends } from "../store/backends.js";

for (const backend of backends) {
  describe(`API errors (${backend.name})`, { skip: backend.skip ?? false }, () => {
    let h: ApiHarness;
    let acct: TestAccount;
    before(async () => {
      h = await startApi({}, backend);
      acct = await h.account();
    });
    after(() => h.close());

    describe("request bodies", () => {
      test("malformed JSON: 400 invalid_json", async () => {
        for (const raw of ["{", '{"url": }', "nul", '{"a":1}}']) {
          const res = await h.api("POST", "/v1/webhooks", undefined, acct.testKey, { rawBody: raw });
          assert.equal(res.status, 400, raw);
          assert.equal(errorOf(res).type, "invalid_request_error");
          assert.equal(errorOf(res).code, "invalid_json");
        }
      });

      test("prototype poisoning is refused as invalid JSON", async () => {
        const res = await h.api("POST", "/v1/webhooks", undefined, acct.testKey, {
          rawBody: '{"url":"http://127.0.0.1/x","enabled_events":["*"],"__proto__":{"admin":true}}',
        });
        assert.equal(res.status, 400);
        assert.equal(errorOf(res).code, "invalid_json");
      });

      test("a non-JSON content type: 415 unsupported_media_type", async () => {
        for (const type of ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"]) {
          const res = await h.api("POST", "/v1/webhooks", undefined, acct.testKey, {
            rawBody: "url=http://x",
            headers: { "content-type": type },
          });
          assert.equal(res.status, 415, type);
          assert.equal(errorOf(res).type, "invalid_request_error");
          assert.equal(errorOf(res).code, "unsupported_media_type");
        }
      });

      test("application/json with a charset is fine", async () => {
        const res = await h.api("POST", "/v1/webhooks", endpointBody(), acct.testKey, {
          headers: { "content-type": "application/json; charset=utf-8" },
        });
        assert.equal(res.status, 201);
      });

      test("a body over 256 KiB: 413 payload_too_large", async () => {
        const big = JSON.stringify({ type: "payment.succeeded", data: { object: { blob: "x".repeat(262_144) } } });
        const res = await h.api("POST", "/v1/events", undefined, acct.testKey, { rawBody: big });
        assert.equal(res.status, 413);
        assert.equal(errorOf(res).type, "invalid_request_error");
        assert.equal(errorOf(res).code, "payload_too_large");
        // Just under the limit is accepted.
        const fits = JSON.stringify({ type: "payment.succeeded", data: { object: { blob: "x".repeat(200_000) } } });
        assert.equal((await h.api("POST", "/v1/events", undefined, acct.testKey, { rawBody: fits })).status, 202);
      });

      test("a body that is not an object: 400 parameter_invalid", async () => {
        for (const raw of ["[]", '"text"', "42", "null"]) {
          const res = await h.api("POST", "/v1/webhooks", undefined, acct.testKey, { rawBody: raw });
          assert.equal(res.status, 400, raw);
          assert.equal(errorOf(res).code, "parameter_invalid");
          assert.match(errorOf(res).message, /JSON object/);
        }
      });

      test("nested fields are named by their path", async () => {
        const item = await h.api(
          "POST",
          "/v1/webhooks",
          endpointBody({ enabled_events: ["payment.succeeded", 7] }),
          acct.testKey,
        );
        assert.equal(item.status, 400);
        assert.equal(errorOf(item).param, "enabled_events[1]");
        const meta = await h.api("POST", "/v1/webhooks", endpointBody({ metadata: { plan: 3 } }), acct.testKey);
        assert.equal(errorOf(meta).param, "metadata.plan");
        const object = await h.api("POST", "/v1/events", { type: "payment.succeeded", data: {} }, acct.testKey);
        assert.equal(errorOf(object).code, "parameter_missing");
        assert.equal(errorOf(object).param, "data.object");
        const extra = await h.api(
          "POST",
          "/v1/events",
          { type: "payment.succeeded", data: { object: {}, x: 1 } },
          acct.testKey,
        );
        assert.equal(errorOf(extra).code, "parameter_unknown");
        assert.equal(errorOf(extra).param, "data.x");
      });

      test("types are not coerced in bodies", async () => {
        const res = await h.api("POST", "/v1/webhooks", endpointBody({ rate_limit: "10" }), acct.testKey);
        assert.equal(res.status, 400);
        assert.equal(errorOf(res).param, "rate_limit");
        assert.match(errorOf(res).message, /expected an integer or null, got a string/);
        const bool = await h.api(
          "POST",
          "/v1/events",
          { type: "payment.succeeded", data: { object: {} }, livemode: "false" },
          acct.testKey,
        );
        assert.equal(bool.status, 400);
        assert.equal(errorOf(bool).param, "livemode");
      });

      test("an empty body on a POST whose fields are all optional counts as {}", async () => {
        const created = await h.api("POST", "/v1/webhooks", endpointBody(), acct.testKey);
        const res = await h.api("POST", `/v1/webhooks/${created.body.id}/rotate_secret`, undefined, acct.testKey);
        assert.equal(res.status, 200);
        const withType = await h.api("POST", `/v1/webhooks/${created.body.id}/rotate_secret`, undefined, acct.testKey, {
          rawBody: "",
          headers: { "content-type": "application/json" },
        });
        assert.equal(withType.status, 200);
      });
    });

    describe("routes", () => {
      test("an unknown route: 404 route_not_found, with or without credentials", async () => {
        for (const [method, path, token] of [
          ["GET", "/v1/nothing", null],
          ["GET", "/v2/webhooks", acct.testKey],
          ["PUT", "/v1/webhooks", acct.testKey],
          ["DELETE", "/v1/accounts", h.adminToken],
        ] as const) {
          const res = await h.api(method, path, undefined, token);
          assert.equal(res.status, 404, `${method} ${path}`);
          assert.equal(errorOf(res).type, "not_found");
          assert.equal(errorOf(res).code, "route_not_found");
          assert.match(errorOf(res).message, new RegExp(path.replaceAll("/", "\\/")));
        }
      });

      test("an over-long id is a 400 on `id`, an unknown one a 404", async () => {
        const res = await h.api("GET", `/v1/webhooks/${"x".repeat(256)}`, undefined, acct.testKey);
        assert.equal(res.status, 400);
        assert.equal(errorOf(res).param, "id");
        const huge = await h.api("GET", `/v1/webhooks/${"x".repeat(1000)}`, undefined, acct.testKey);
        assert.equal(huge.status, 414);
        assert.equal(errorOf(huge).type, "invalid_request_error");
        assert.equal(errorOf(huge).code, "url_too_long");
        const badEncoding = await h.api("GET", "/v1/webhooks/%E0%A4%A", undefined, acct.testKey);
        assert.equal(badEncoding.status, 400);
        assert.equal(errorOf(badEncoding).type, "invalid_request_error");
        const odd = await h.api("GET", "/v1/webhooks/we_%F0%9F%98%80", undefined, acct.testKey);
        assert.equal(odd.status, 404);
      });
    });

    describe("failures of Herald itself", () => {
      test("a store failure is a 500 api_error with a generic message; /healthz answers 503", async () => {
        const broken = await startApi({}, backend);
        const acct = await broken.account();
        await broken.store.close();
        const res = await broken.api("GET", "/v1/webhooks", undefined, acct.testKey);
        assert.equal(res.status, 500);
        assert.equal(errorOf(res).type, "api_error");
        assert.equal(errorOf(res).code, "internal_error");
        assert.ok(!/database|sqlite|postgres/i.test(errorOf(res).message), "internals stay in the log");
        const list = await broken.api("GET", "/v1/accounts");
        assert.equal(list.status, 500);
        const health = await broken.api("GET", "/healthz", undefined, null);
        assert.equal(health.status, 503);
        assert.equal(health.body.status, "unavailable");
        await broken.close();
      });

      test("/healthz answers 200 {status: ok} when the store is reachable", async () => {
        const res = await h.api("GET", "/healthz", undefined, null);
        assert.equal(res.status, 200);
        assert.deepEqual(res.body, { status: "ok" });
      });
    });
  });
}
