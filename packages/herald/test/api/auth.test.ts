import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { ID_PREFIX, newId } from "../../src/domain/ids.js";
import { hashSecret, newSecretKey } from "../../src/secrets/api-key.js";
import { type ApiHarness, endpointBody, errorOf, startApi } from "../helpers/harness.js";
import { backends } from "../store/backends.js";

for (const backend of backends) {
  describe(`authentication API (${backend.name})`, { skip: backend.skip ?? false }, () => {
    let h: ApiHarness;
    before(async () => {
      h = await startApi({}, backend);
    });
    after(() => h.close());

    describe("authentication", () => {
      test("no Authorization header: 401 missing_api_key", async () => {
        for (const path of ["/v1/accounts", "/v1/webhooks", "/v1/events", "/v1/event_types"]) {
          const res = await h.api("GET", path, undefined, null);
          assert.equal(res.status, 401, path);
          assert.deepEqual(Object.keys(res.body), ["error"]);
          assert.equal(errorOf(res).type, "authentication_error");
          assert.equal(errorOf(res).code, "missing_api_key");
        }
      });

      test("malformed, unknown or wrong tokens: 401 invalid_api_key, never echoing the secret", async () => {
        const unknownKey = newSecretKey("test");
        const cases: Record<string, string>[] = [
          { authorization: "Basic dXNlcjpwYXNz" },
          { authorization: "Bearer" },
          { authorization: `Bearer ${unknownKey}` },
          { authorization: `Bearer ${newSecretKey("live")}` },
          { authorization: "Bearer hat_not_the_admin_token" },
          { authorization: `Bearer ${h.adminToken}x` },
        ];
        for (const headers of cases) {
          const res = await h.api("GET", "/v1/accounts", undefined, null, { headers });
          assert.equal(res.status, 401, headers.authorization);
          assert.equal(errorOf(res).code, "invalid_api_key");
        }
        const res = await h.api("GET", "/v1/webhooks", undefined, unknownKey);
        assert.ok(!res.text.includes(unknownKey.slice(8)), "the key must not be echoed");
        assert.match(errorOf(res).message, /sk_test_\*\*\*\*/);
      });

      test("a revoked key is refused", async () => {
        const acct = await h.account();
        const secret = newSecretKey("test");
        await h.store.createApiKey(
          { id: newId(ID_PREFIX.apiKey), accountId: acct.id, mode: "test", created: Date.now(), revokedAt: Date.now() },
          hashSecret(secret),
        );
        const res = await h.api("GET", "/v1/webhooks", undefined, secret);
        assert.equal(res.status, 401);
        assert.equal(errorOf(res).code, "invalid_api_key");
      });

      test("the operator token on account routes: 401 secret_key_required", async () => {
        for (const [method, path] of [
          ["GET", "/v1/webhooks"],
          ["POST", "/v1/webhooks"],
          ["GET", "/v1/events"],
          ["GET", "/v1/deliveries"],
          ["GET", "/v1/deliveries/dlv_x"],
        ] as const) {
          const res = await h.api(method, path, method === "POST" ? endpointBody() : undefined);
          assert.equal(res.status, 401, path);
          assert.equal(errorOf(res).code, "secret_key_required");
        }
      });

      test("/healthz and /openapi.json need no credentials", async () => {
        assert.equal((await h.api("GET", "/healthz", undefined, null)).status, 200);
        assert.equal((await h.api("GET", "/openapi.json", undefined, null)).status, 200);
      });

      test("authentication comes before validation", async () => {
        const res = await h.api("POST", "/v1/webhooks", { nonsense: true }, null);
        assert.equal(res.status, 401);
      });
    });

    describe("plan gating", () => {
      test("free accounts get 403 plan_required on webhook APIs, but may read event types; upgrading fixes it", async () => {
        const acct = await h.account({ plan: "free" });
        const gated: [string, string, unknown?][] = [
          ["GET", "/v1/webhooks"],
          ["POST", "/v1/webhooks", endpointBody()],
          ["GET", "/v1/webhooks/we_x"],
          ["GET", "/v1/events"],
          ["POST", "/v1/events", { type: "payment.succeeded", data: { object: {} } }],
          ["GET", "/v1/deliveries"],
          ["POST", "/v1/deliveries/dlv_x/resend", {}],
        ];
        for (const [method, path, body] of gated) {
          const res = await h.api(method, path, body, acct.testKey);
          assert.equal(res.status, 403, `${method} ${path}`);
          assert.equal(errorOf(res).type, "permission_error");
          assert.equal(errorOf(res).code, "plan_required");
        }
        assert.equal((await h.api("GET", "/v1/event_types", undefined, acct.testKey)).status, 200);
        assert.equal((await h.api("GET", "/v1/webhooks", undefined, acct.liveKey)).status, 403);

        await h.api("PATCH", `/v1/accounts/${acct.id}`, { plan: "pro" });
        assert.equal((await h.api("GET", "/v1/webhooks", undefined, acct.testKey)).status, 200);
        assert.equal((await h.api("POST", "/v1/webhooks", endpointBody(), acct.testKey)).status, 201);

        // And downgrading shuts the door again.
        await h.api("PATCH", `/v1/accounts/${acct.id}`, { plan: "free" });
        assert.equal((await h.api("GET", "/v1/webhooks", undefined, acct.testKey)).status, 403);
      });
    });
  });
}
