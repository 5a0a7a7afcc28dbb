/** GET /v1/webhooks/:id/stats on both backends: counts, rate, last delivery, hourly buckets, isolation, bad input. */
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
  describe(`webhook stats API (${backend.name})`, { skip: backend.skip ?? false }, () => {
    let h: ApiHarness;
    let acct: TestAccount;
    before(async () => {
      h = await startApi({}, backend);
      acct = await h.account();
    });
    after(() => h.close());

    const send = async (n: number) => {
      for (let i = 0; i < n; i++) {
        await h.api("POST", "/v1/events", { type: "payment.succeeded", data: { object: {} } }, acct.testKey);
      }
    };

    test("a new endpoint: zero counts, no rate, no last delivery, 25 empty hours", async () => {
      const ep = (await h.api("POST", "/v1/webhooks", endpointBody(), acct.testKey)).body;
      const res = await h.api("GET", `/v1/webhooks/${ep.id}/stats`, undefined, acct.testKey);
      assert.equal(res.status, 200);
      assert.equal(res.body.object, "webhook_endpoint_stats");
      assert.equal(res.body.endpoint_id, ep.id);
      assert.ok(Math.abs(res.body.since - (Date.now() / 1000 - 86_400)) < 60, "the default window is 24 hours");
      assert.deepEqual(res.body.deliveries, { total: 0, succeeded: 0, failed: 0, pending: 0, cancelled: 0 });
      assert.equal(res.body.success_rate, null);
      assert.equal(res.body.last_delivery, null);
      assert.ok(res.body.buckets.length === 25 || res.body.buckets.length === 24);
      assert.ok(res.body.buckets.every((b: Json) => b.attempts === 0 && b.avg_duration_ms === null));
      await h.api("DELETE", `/v1/webhooks/${ep.id}`, undefined, acct.testKey);
    });

    test("after deliveries: counts by status, success rate, the newest delivery, this hour's attempts", async () => {
      const ep = (await h.api("POST", "/v1/webhooks", endpointBody({ enabled_events: ["payment.*"] }), acct.testKey))
        .body;
      await send(3);
      await settleDue(h.store, "succeeded");
      await send(1);
      await settleDue(h.store, "failed");
      await send(1);
      const newest = (await h.api("GET", `/v1/webhooks/${ep.id}/deliveries?limit=1`, undefined, acct.testKey)).body
        .data[0];

      const res = await h.api("GET", `/v1/webhooks/${ep.id}/stats`, undefined, acct.testKey);
      assert.equal(res.status, 200);
      assert.deepEqual(res.body.deliveries, { total: 5, succeeded: 3, failed: 1, pending: 1, cancelled: 0 });
      assert.equal(res.body.success_rate, 0.75);
      assert.deepEqual(res.body.last_delivery, { id: newest.id, status: "pending", created: newest.created });
      const hour = res.body.buckets.at(-1);
      assert.ok(hour.start <= Date.now() / 1000 && Date.now() / 1000 < hour.start + 3600, "the last bucket is now");
      assert.deepEqual(
        { ...hour, start: 0 },
        { start: 0, attempts: 4, succeeded: 3, failed: 1, avg_duration_ms: 12, max_duration_ms: 12 },
      );
      assert.equal(
        res.body.buckets.reduce((n: number, b: Json) => n + b.attempts, 0),
        4,
      );

      // a window that starts after them counts none, but still names the newest delivery
      const later = await h.api(
        "GET",
        `/v1/webhooks/${ep.id}/stats?since=${Math.floor(Date.now() / 1000)}`,
        undefined,
        acct.testKey,
      );
      assert.equal(later.status, 200);
      assert.ok(later.body.deliveries.total <= 5);
      assert.equal(later.body.last_delivery.id, newest.id);
      assert.equal(later.body.buckets.length, 1);
    });

    test("another account's or mode's endpoint: 404", async () => {
      const ep = (await h.api("POST", "/v1/webhooks", endpointBody(), acct.testKey)).body;
      const other = await h.account();
      for (const key of [other.testKey, acct.liveKey]) {
        const res = await h.api("GET", `/v1/webhooks/${ep.id}/stats`, undefined, key);
        assert.equal(res.status, 404);
        assert.equal(errorOf(res).type, "not_found");
      }
      assert.equal((await h.api("GET", "/v1/webhooks/we_missing/stats", undefined, acct.testKey)).status, 404);
      assert.equal((await h.api("GET", `/v1/webhooks/${ep.id}/stats`, undefined, null)).status, 401);
    });

    test("bad since: 400 with the parameter named", async () => {
      const ep = (await h.api("POST", "/v1/webhooks", endpointBody(), acct.testKey)).body;
      const now = Math.floor(Date.now() / 1000);
      for (const since of ["yesterday", "-5", String(now + 3600), String(now - 8 * 86_400)]) {
        const res = await h.api("GET", `/v1/webhooks/${ep.id}/stats?since=${since}`, undefined, acct.testKey);
        assert.equal(res.status, 400, since);
        assert.equal(errorOf(res).type, "invalid_request_error");
        assert.equal(errorOf(res).param, "since");
      }
      const unknown = await h.api("GET", `/v1/webhooks/${ep.id}/stats?until=1`, undefined, acct.testKey);
      assert.equal(unknown.status, 400);
      const week = await h.api(
        "GET",
        `/v1/webhooks/${ep.id}/stats?since=${now - 7 * 86_400 + 60}`,
        undefined,
        acct.testKey,
      );
      assert.equal(week.status, 200);
      assert.ok(week.body.buckets.length >= 168 && week.body.buckets.length <= 169);
    });
  });
}
