import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  type ApiHarness,
  endpointBody,
  errorOf,
  type Json,
  settleDue,
  startApi,
  type TestAccount,
} from "../helpers/harness.js";
import { backends } from "../store/backends.js";

for (const backend of backends) {
  describe(`deliveries API (${backend.name})`, { skip: backend.skip ?? false }, () => {
    let h: ApiHarness;
    let acct: TestAccount;
    let endpointId: string;
    let eventIds: string[];
    before(async () => {
      h = await startApi({}, backend);
      acct = await h.account();
      endpointId = (await h.api("POST", "/v1/webhooks", endpointBody({ enabled_events: ["payment.*"] }), acct.testKey))
        .body.id;
      await h.api("POST", "/v1/webhooks", endpointBody({ enabled_events: ["refund.created"] }), acct.testKey);
      eventIds = [];
      for (const type of ["payment.succeeded", "payment.failed", "refund.created"]) {
        eventIds.push((await h.api("POST", "/v1/events", { type, data: { object: {} } }, acct.testKey)).body.id);
      }
    });
    after(() => h.close());

    const deliveryOf = async (eventId: string): Promise<Json> =>
      (await h.api("GET", `/v1/deliveries?event_id=${eventId}`, undefined, acct.testKey)).body.data[0];

    describe("GET /v1/deliveries", () => {
      test("lists newest first, filtered by endpoint, event and status, without attempts", async () => {
        const all = await h.api("GET", "/v1/deliveries", undefined, acct.testKey);
        assert.equal(all.status, 200);
        assert.equal(all.body.object, "list");
        assert.deepEqual(
          all.body.data.map((d: Json) => d.event_id),
          [...eventIds].reverse(),
        );
        const d = all.body.data[0];
        assert.deepEqual(Object.keys(d).sort(), [
          "attempt_count",
          "created",
          "endpoint_id",
          "event_id",
          "event_type",
          "id",
          "last_response_status",
          "max_attempts",
          "next_attempt_at",
          "object",
          "status",
          "updated",
        ]);
        assert.match(d.id, /^dlv_/);
        assert.equal(d.object, "delivery");
        assert.equal(d.status, "pending");
        assert.equal(d.attempt_count, 0);
        assert.equal(d.max_attempts, 8);
        assert.equal(typeof d.next_attempt_at, "number");
        assert.ok(Math.abs(d.next_attempt_at - Date.now() / 1000) < 60, "unix seconds");

        const ofEndpoint = await h.api("GET", `/v1/deliveries?endpoint_id=${endpointId}`, undefined, acct.testKey);
        assert.deepEqual(
          ofEndpoint.body.data.map((x: Json) => x.event_type),
          ["payment.failed", "payment.succeeded"],
        );
        const page = await h.api("GET", "/v1/deliveries?limit=2", undefined, acct.testKey);
        assert.equal(page.body.has_more, true);
        const rest = await h.api(
          "GET",
          `/v1/deliveries?limit=2&starting_after=${page.body.data[1].id}`,
          undefined,
          acct.testKey,
        );
        assert.equal(rest.body.data.length, 1);
        assert.equal(rest.body.has_more, false);
        const bad = await h.api("GET", "/v1/deliveries?status=done", undefined, acct.testKey);
        assert.equal(bad.status, 400);
        assert.equal(errorOf(bad).param, "status");
      });
    });

    describe("GET /v1/deliveries/:id", () => {
      test("shows the attempts, newest first, with their details", async () => {
        const d = await deliveryOf(eventIds[1] as string);
        await settleDue(h.store, "retry", { responseStatus: 503, responseBody: "busy" });
        await h.api("POST", `/v1/deliveries/${d.id}/resend`, {}, acct.testKey);
        await settleDue(h.store, "succeeded", { responseStatus: 204 });
        const res = await h.api("GET", `/v1/deliveries/${d.id}`, undefined, acct.testKey);
        assert.equal(res.status, 200);
        assert.equal(res.body.status, "succeeded");
        assert.equal(res.body.attempt_count, 2);
        assert.equal(res.body.last_response_status, 204);
        assert.equal(res.body.next_attempt_at, null, "null once final");
        assert.equal(res.body.attempts.length, 2);
        const [latest, first] = res.body.attempts;
        assert.deepEqual(Object.keys(latest).sort(), [
          "attempted_at",
          "duration_ms",
          "error",
          "id",
          "object",
          "request_headers",
          "response_body",
          "response_headers",
          "response_status",
          "trigger",
        ]);
        assert.match(latest.id, /^att_/);
        assert.equal(latest.object, "delivery_attempt");
        assert.equal(latest.response_status, 204);
        assert.equal(latest.trigger, "manual");
        assert.equal(first.response_status, 503);
        assert.equal(first.response_body, "busy");
        assert.equal(first.error, "http_error");
        assert.equal(first.trigger, "scheduled");
        assert.deepEqual(first.response_headers, { "content-type": "text/plain" });
        assert.deepEqual(first.request_headers, { "content-type": "application/json", "webhook-id": d.event_id });
        assert.ok(Math.abs(first.attempted_at - Date.now() / 1000) < 60);
        assert.equal(first.duration_ms, 12);
      });

      test("another account's or mode's delivery: 404", async () => {
        const d = await deliveryOf(eventIds[0] as string);
        const other = await h.account();
        for (const key of [other.testKey, acct.liveKey]) {
          const res = await h.api("GET", `/v1/deliveries/${d.id}`, undefined, key);
          assert.equal(res.status, 404);
          assert.equal(errorOf(res).type, "not_found");
          assert.equal((await h.api("POST", `/v1/deliveries/${d.id}/resend`, {}, key)).status, 404);
          assert.deepEqual(
            (await h.api("GET", `/v1/deliveries?event_id=${eventIds[0]}`, undefined, key)).body.data,
            [],
          );
        }
        assert.equal((await h.api("GET", "/v1/deliveries/dlv_nope", undefined, acct.testKey)).status, 404);
      });
    });

    describe("POST /v1/deliveries/:id/resend", () => {
      test("queues a manual attempt now, whatever the status", async () => {
        const a = await h.account();
        await h.api("POST", "/v1/webhooks", endpointBody(), a.testKey);
        const evt = (await h.api("POST", "/v1/events", { type: "customer.created", data: { object: {} } }, a.testKey))
          .body;
        await settleDue(h.store, "failed");
        const d = (await h.api("GET", `/v1/deliveries?event_id=${evt.id}`, undefined, a.testKey)).body.data[0];
        assert.equal(d.status, "failed");
        const res = await h.api("POST", `/v1/deliveries/${d.id}/resend`, undefined, a.testKey);
        assert.equal(res.status, 202);
        assert.equal(res.body.id, d.id);
        assert.equal(res.body.status, "pending");
        assert.equal(res.body.attempts, undefined);
        assert.ok(Math.abs(res.body.next_attempt_at - Date.now() / 1000) < 5);
        const unknown = await h.api("POST", `/v1/deliveries/${d.id}/resend`, { now: true }, a.testKey);
        assert.equal(errorOf(unknown).code, "parameter_unknown");
      });

      test("a disabled or deleted endpoint: 409 endpoint_disabled", async () => {
        const a = await h.account();
        const e = (await h.api("POST", "/v1/webhooks", endpointBody(), a.testKey)).body;
        const evt = (await h.api("POST", "/v1/events", { type: "customer.created", data: { object: {} } }, a.testKey))
          .body;
        const d = (await h.api("GET", `/v1/deliveries?event_id=${evt.id}`, undefined, a.testKey)).body.data[0];
        await h.api("PATCH", `/v1/webhooks/${e.id}`, { status: "disabled" }, a.testKey);
        const off = await h.api("POST", `/v1/deliveries/${d.id}/resend`, {}, a.testKey);
        assert.equal(off.status, 409);
        assert.equal(errorOf(off).code, "endpoint_disabled");
        await h.api("DELETE", `/v1/webhooks/${e.id}`, undefined, a.testKey);
        const gone = await h.api("POST", `/v1/deliveries/${d.id}/resend`, {}, a.testKey);
        assert.equal(gone.status, 409);
        assert.equal(errorOf(gone).code, "endpoint_disabled");
        assert.equal((await h.api("GET", `/v1/deliveries/${d.id}`, undefined, a.testKey)).body.status, "cancelled");
      });
    });
  });
}
