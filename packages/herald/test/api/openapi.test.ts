import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { type ApiHarness, type Json, startApi } from "../helpers/harness.js";
import { backends } from "../store/backends.js";

for (const backend of backends) {
  describe(`OpenAPI document (${backend.name})`, { skip: backend.skip ?? false }, () => {
    let h: ApiHarness;
    let doc: Json;
    before(async () => {
      h = await startApi({}, backend);
      const res = await h.api("GET", "/openapi.json", undefined, null);
      assert.equal(res.status, 200);
      doc = res.body;
    });
    after(() => h.close());

    /** Every route of the API, as the OpenAPI document must list it. */
    const ROUTES: [string, string, "operatorToken" | "secretKey" | "both" | "none"][] = [
      ["get", "/healthz", "none"],
      ["post", "/v1/accounts", "operatorToken"],
      ["get", "/v1/accounts", "operatorToken"],
      ["get", "/v1/accounts/{id}", "operatorToken"],
      ["patch", "/v1/accounts/{id}", "operatorToken"],
      ["post", "/v1/accounts/{id}/api_keys", "operatorToken"],
      ["get", "/v1/accounts/{id}/api_keys", "operatorToken"],
      ["delete", "/v1/accounts/{id}/api_keys/{key_id}", "operatorToken"],
      ["post", "/v1/accounts/{id}/api_keys/{key_id}/roll", "operatorToken"],
      ["get", "/v1/audit_log", "both"],
      ["post", "/v1/events", "both"],
      ["get", "/v1/events", "secretKey"],
      ["get", "/v1/events/{id}", "secretKey"],
      ["get", "/v1/events/stream", "secretKey"],
      ["get", "/v1/event_types", "both"],
      ["post", "/v1/event_types", "operatorToken"],
      ["post", "/v1/webhooks", "secretKey"],
      ["get", "/v1/webhooks", "secretKey"],
      ["get", "/v1/webhooks/{id}", "secretKey"],
      ["patch", "/v1/webhooks/{id}", "secretKey"],
      ["delete", "/v1/webhooks/{id}", "secretKey"],
      ["post", "/v1/webhooks/{id}/rotate_secret", "secretKey"],
      ["post", "/v1/webhooks/{id}/test", "secretKey"],
      ["post", "/v1/webhooks/{id}/recover", "secretKey"],
      ["get", "/v1/webhooks/{id}/deliveries", "secretKey"],
      ["get", "/v1/webhooks/{id}/stats", "secretKey"],
      ["get", "/v1/deliveries", "secretKey"],
      ["get", "/v1/deliveries/{id}", "secretKey"],
      ["post", "/v1/deliveries/{id}/resend", "secretKey"],
      ["post", "/v1/accounts/{id}/dashboard_links", "operatorToken"],
      ["get", "/dashboard/login", "none"],
      ["get", "/v1/dashboard/session", "secretKey"],
      ["post", "/v1/dashboard/session", "none"],
      ["delete", "/v1/dashboard/session", "none"],
    ];

    describe("GET /openapi.json", () => {
      test("is an OpenAPI 3.1 document titled Herald API", () => {
        assert.equal(doc.openapi, "3.1.0");
        assert.equal(doc.info.title, "Herald API");
        assert.equal(doc.info.version, "0.0.0-test");
        assert.deepEqual(doc.components.securitySchemes.secretKey, {
          type: "http",
          scheme: "bearer",
          description: doc.components.securitySchemes.secretKey.description,
        });
        assert.equal(doc.components.securitySchemes.operatorToken.scheme, "bearer");
      });

      test("lists every route with its security, and no other", () => {
        const listed = Object.entries(doc.paths).flatMap(([path, ops]) =>
          Object.keys(ops as object).map((method) => `${method} ${path}`),
        );
        assert.deepEqual(listed.sort(), ROUTES.map(([m, p]) => `${m} ${p}`).sort());
        for (const [method, path, security] of ROUTES) {
          const op = doc.paths[path][method];
          const expected =
            security === "none"
              ? []
              : security === "both"
                ? [{ operatorToken: [] }, { secretKey: [] }]
                : [{ [security]: [] }];
          assert.deepEqual(op.security, expected, `${method} ${path}`);
          if (security !== "none")
            assert.equal(op.responses["4XX"].content["application/json"].schema.$ref, "#/components/schemas/Error");
        }
      });

      test("documents bodies, parameters and responses from the validating schemas", () => {
        const create = doc.paths["/v1/webhooks"].post;
        const body = create.requestBody.content["application/json"].schema;
        assert.equal(body.additionalProperties, false);
        assert.deepEqual(body.required.sort(), ["enabled_events", "url"]);
        assert.deepEqual(body.properties.signature_scheme.enum, ["standard", "stripe", "hmac-timestamp", "hmac"]);
        assert.equal(
          create.responses["201"].content["application/json"].schema.$ref,
          "#/components/schemas/WebhookEndpoint",
        );
        assert.ok(create.parameters.some((p: Json) => p.in === "header" && p.name === "idempotency-key"));

        const list = doc.paths["/v1/webhooks"].get.parameters.map((p: Json) => `${p.in}:${p.name}`);
        assert.deepEqual(list.sort(), ["query:ending_before", "query:limit", "query:starting_after"]);
        const events = doc.paths["/v1/events"].post.parameters.map((p: Json) => p.name);
        assert.ok(events.includes("herald-account"));

        for (const name of [
          "Error",
          "Account",
          "ApiKey",
          "WebhookEndpoint",
          "Event",
          "Delivery",
          "DeliveryAttempt",
          "EventType",
          "Recovery",
        ]) {
          assert.equal(typeof doc.components.schemas[name], "object", name);
        }
        assert.ok(doc.components.schemas.Delivery.properties.next_attempt_at);
      });
    });
  });
}
