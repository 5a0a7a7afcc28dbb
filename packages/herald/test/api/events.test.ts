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
  describe(`events API (${backend.name})`, { skip: backend.skip ?? false }, () => {
    let h: ApiHarness;
    let acct: TestAccount;
    before(async () => {
      h = await startApi({}, backend);
      acct = await h.account();
    });
    after(() => h.close());

    const emit = (account: string, body: Record<string, unknown>, headers: Record<string, string> = {}) =>
      h.api("POST", "/v1/events", body, undefined, { headers: { "herald-account": account, ...headers } });
    const payment = (extra: Record<string, unknown> = {}) => ({
      type: "payment.succeeded",
      data: { object: { id: "pay_123", amount: 2999, currency: "usd" } },
      livemode: false,
      ...extra,
    });

    describe("operator POST /v1/events", () => {
      test("202 with the event; GET returns the very same bytes", async () => {
        const res = await emit(acct.id, payment());
        assert.equal(res.status, 202);
        assert.match(res.headers["content-type"] as string, /^application\/json/);
        assert.match(res.body.id, /^evt_/);
        assert.deepEqual(Object.keys(res.body), ["id", "object", "type", "created", "livemode", "data"]);
        assert.equal(res.body.object, "event");
        assert.equal(res.body.livemode, false);
        assert.deepEqual(res.body.data, { object: { id: "pay_123", amount: 2999, currency: "usd" } });
        assert.ok(Math.abs(res.body.created - Date.now() / 1000) < 5, "created is in seconds");

        const got = await h.api("GET", `/v1/events/${res.body.id}`, undefined, acct.testKey);
        assert.equal(got.status, 200);
        assert.equal(got.text, res.text);
        const stored = await h.store.getEvent({ accountId: acct.id, mode: "test" }, res.body.id);
        assert.equal(stored?.body, res.text);
      });

      test("livemode true makes a live event, seen by live keys only", async () => {
        const res = await emit(acct.id, payment({ livemode: true }));
        assert.equal(res.body.livemode, true);
        assert.equal((await h.api("GET", `/v1/events/${res.body.id}`, undefined, acct.liveKey)).status, 200);
        assert.equal((await h.api("GET", `/v1/events/${res.body.id}`, undefined, acct.testKey)).status, 404);
      });

      test("a given id is kept; the same id twice is one event with one delivery", async () => {
        await h.api("POST", "/v1/webhooks", endpointBody({ enabled_events: ["refund.created"] }), acct.testKey);
        const id = `evt_mine_${Date.now()}`;
        const body = { type: "refund.created", data: { object: { id: "re_1" } }, livemode: false, id };
        const first = await emit(acct.id, body);
        const second = await emit(acct.id, { ...body, data: { object: { id: "re_other" } } });
        assert.equal(first.status, 202);
        assert.equal(first.body.id, id);
        assert.equal(second.status, 202);
        assert.equal(second.text, first.text, "the stored event comes back");
        const list = await h.api("GET", "/v1/events?type=refund.created", undefined, acct.testKey);
        assert.equal(list.body.data.filter((e: { id: string }) => e.id === id).length, 1);
        const deliveries = await h.api("GET", `/v1/deliveries?event_id=${id}`, undefined, acct.testKey);
        assert.equal(deliveries.body.data.length, 1);
      });

      test("the longest allowed id can be read back", async () => {
        const id = `evt_${"L".repeat(100)}`;
        assert.equal((await emit(acct.id, payment({ id }))).status, 202);
        const got = await h.api("GET", `/v1/events/${id}`, undefined, acct.testKey);
        assert.equal(got.status, 200);
        assert.equal(got.body.id, id);
      });

      test("an id another account used: 409 event_id_taken", async () => {
        const other = await h.account();
        const id = `evt_shared_${Date.now()}`;
        assert.equal((await emit(acct.id, payment({ id }))).status, 202);
        const res = await emit(other.id, payment({ id }));
        assert.equal(res.status, 409);
        assert.equal(errorOf(res).code, "event_id_taken");
      });

      test("errors: Herald-Account, livemode, type, data, id", async () => {
        const noHeader = await h.api("POST", "/v1/events", payment());
        assert.equal(noHeader.status, 400);
        assert.equal(errorOf(noHeader).code, "parameter_missing");
        assert.equal(errorOf(noHeader).param, "Herald-Account");

        const unknownAccount = await emit("acct_nope", payment());
        assert.equal(unknownAccount.status, 404);
        assert.equal(errorOf(unknownAccount).type, "not_found");

        const { livemode: _omit, ...noLivemode } = payment();
        const missingLive = await emit(acct.id, noLivemode);
        assert.equal(missingLive.status, 400);
        assert.equal(errorOf(missingLive).param, "livemode");

        const unknownType = await emit(acct.id, payment({ type: "payment.teleported" }));
        assert.equal(unknownType.status, 400);
        assert.equal(errorOf(unknownType).code, "unknown_event_type");
        assert.equal(errorOf(unknownType).param, "type");

        for (const object of [[1, 2], "pay_1", 5, null]) {
          const res = await emit(acct.id, payment({ data: { object } }));
          assert.equal(res.status, 400, JSON.stringify(object));
          assert.equal(errorOf(res).param, "data.object");
        }
        const noData = await emit(acct.id, { type: "payment.succeeded", livemode: false });
        assert.equal(errorOf(noData).code, "parameter_missing");
        assert.equal(errorOf(noData).param, "data");

        for (const id of ["pay_1", "evt_", "evt_has space", `evt_${"x".repeat(101)}`]) {
          const res = await emit(acct.id, payment({ id }));
          assert.equal(res.status, 400, id);
          assert.equal(errorOf(res).param, "id");
          assert.match(errorOf(res).message, /evt_/);
        }
      });
    });

    describe("account POST /v1/events", () => {
      test("a test key emits a test event for its own account", async () => {
        const res = await h.api(
          "POST",
          "/v1/events",
          { type: "customer.created", data: { object: { id: "cus_1" } } },
          acct.testKey,
        );
        assert.equal(res.status, 202);
        assert.equal(res.body.livemode, false);
        assert.equal((await h.api("GET", `/v1/events/${res.body.id}`, undefined, acct.testKey)).status, 200);
        const explicit = await h.api(
          "POST",
          "/v1/events",
          { type: "customer.created", data: { object: {} }, livemode: false },
          acct.testKey,
        );
        assert.equal(explicit.status, 202);
      });

      test("a live key: 403 test_mode_only; livemode true: 400", async () => {
        const live = await h.api(
          "POST",
          "/v1/events",
          { type: "customer.created", data: { object: {} } },
          acct.liveKey,
        );
        assert.equal(live.status, 403);
        assert.equal(errorOf(live).type, "permission_error");
        assert.equal(errorOf(live).code, "test_mode_only");
        const liveFlag = await h.api(
          "POST",
          "/v1/events",
          { type: "customer.created", data: { object: {} }, livemode: true },
          acct.testKey,
        );
        assert.equal(liveFlag.status, 400);
        assert.equal(errorOf(liveFlag).param, "livemode");
        const list = await h.api("GET", "/v1/events?limit=100", undefined, acct.liveKey);
        assert.ok(list.body.data.every((e: { livemode: boolean }) => e.livemode));
      });

      test("events fan out to subscribed, enabled endpoints of the same mode only", async () => {
        const a = await h.account();
        const wants = await h.api("POST", "/v1/webhooks", endpointBody({ enabled_events: ["charge.*"] }), a.testKey);
        const other = await h.api(
          "POST",
          "/v1/webhooks",
          endpointBody({ enabled_events: ["refund.created"] }),
          a.testKey,
        );
        const live = await h.api(
          "POST",
          "/v1/webhooks",
          { url: "https://93.184.215.14/h", enabled_events: ["*"] },
          a.liveKey,
        );
        const res = await h.api("POST", "/v1/events", { type: "charge.succeeded", data: { object: {} } }, a.testKey);
        const deliveries = await h.api("GET", `/v1/deliveries?event_id=${res.body.id}`, undefined, a.testKey);
        assert.deepEqual(
          deliveries.body.data.map((d: Json) => d.endpoint_id),
          [wants.body.id],
        );
        assert.notEqual(other.body.id, wants.body.id);
        assert.equal(
          (await h.api("GET", `/v1/deliveries?endpoint_id=${live.body.id}`, undefined, a.liveKey)).body.data.length,
          0,
        );
      });
    });

    describe("GET /v1/events", () => {
      test("filters by exact type, by prefix.* and by delivery_success; pages newest first", async () => {
        const a = await h.account();
        await h.api("POST", "/v1/webhooks", endpointBody({ enabled_events: ["payment.failed"] }), a.testKey);
        const ids: string[] = [];
        for (const type of ["payment.succeeded", "payment.failed", "refund.created", "payment.pending"]) {
          ids.push((await h.api("POST", "/v1/events", { type, data: { object: {} } }, a.testKey)).body.id);
        }
        const all = await h.api("GET", "/v1/events", undefined, a.testKey);
        assert.deepEqual(
          all.body.data.map((e: Json) => e.id),
          [...ids].reverse(),
        );
        const exact = await h.api("GET", "/v1/events?type=refund.created", undefined, a.testKey);
        assert.deepEqual(
          exact.body.data.map((e: Json) => e.type),
          ["refund.created"],
        );
        const prefix = await h.api("GET", "/v1/events?type=payment.*", undefined, a.testKey);
        assert.deepEqual(
          prefix.body.data.map((e: Json) => e.type),
          ["payment.pending", "payment.failed", "payment.succeeded"],
        );

        await settleDue(h.store, "failed");
        const failed = await h.api("GET", "/v1/events?delivery_success=false", undefined, a.testKey);
        assert.deepEqual(
          failed.body.data.map((e: Json) => e.id),
          [ids[1]],
        );
        const ok = await h.api("GET", "/v1/events?delivery_success=true", undefined, a.testKey);
        assert.ok(!ok.body.data.some((e: Json) => e.id === ids[1]));
        const bad = await h.api("GET", "/v1/events?delivery_success=maybe", undefined, a.testKey);
        assert.equal(bad.status, 400);
        assert.equal(errorOf(bad).param, "delivery_success");

        const page = await h.api("GET", "/v1/events?limit=3", undefined, a.testKey);
        assert.equal(page.body.has_more, true);
        const rest = await h.api(
          "GET",
          `/v1/events?limit=3&starting_after=${page.body.data[2].id}`,
          undefined,
          a.testKey,
        );
        assert.deepEqual(
          rest.body.data.map((e: Json) => e.id),
          [ids[0]],
        );
        assert.equal(rest.body.has_more, false);
        const prev = await h.api("GET", `/v1/events?limit=3&ending_before=${ids[0]}`, undefined, a.testKey);
        assert.deepEqual(
          prev.body.data.map((e: Json) => e.id),
          [ids[3], ids[2], ids[1]],
        );
      });

      test("another account's or mode's events: 404 and absent from lists", async () => {
        const other = await h.account();
        const mine = (await emit(acct.id, payment())).body.id;
        const res = await h.api("GET", `/v1/events/${mine}`, undefined, other.testKey);
        assert.equal(res.status, 404);
        assert.equal(errorOf(res).type, "not_found");
        assert.ok(!res.text.includes("pay_123"));
        assert.equal((await h.api("GET", `/v1/events/${mine}`, undefined, acct.liveKey)).status, 404);
        const list = await h.api("GET", "/v1/events?limit=100", undefined, other.testKey);
        assert.ok(!list.body.data.some((e: Json) => e.id === mine));
      });
    });
  });
}
