import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { BUILTIN_EVENT_TYPES } from "../../src/domain/event-types.js";
import { type ApiHarness, endpointBody, errorOf, type Json, startApi, type TestAccount } from "../helpers/harness.js";
import { backends } from "../store/backends.js";

for (const backend of backends) {
  describe(`event types API (${backend.name})`, { skip: backend.skip ?? false }, () => {
    let h: ApiHarness;
    let acct: TestAccount;
    before(async () => {
      h = await startApi({}, backend);
      acct = await h.account();
    });
    after(() => h.close());

    describe("GET /v1/event_types", () => {
      test("lists the built-in catalogue with groups and recommendations", async () => {
        const res = await h.api("GET", "/v1/event_types", undefined, acct.testKey);
        assert.equal(res.status, 200);
        assert.equal(res.body.object, "list");
        assert.equal(res.body.has_more, false);
        assert.equal(res.body.data.length, BUILTIN_EVENT_TYPES.length);
        const succeeded = res.body.data.find((t: Json) => t.name === "payment.succeeded");
        assert.deepEqual(Object.keys(succeeded).sort(), ["description", "group", "name", "recommended"]);
        assert.equal(succeeded.group, "Payments");
        assert.equal(succeeded.recommended, true);
        assert.equal(res.body.data.find((t: Json) => t.name === "service.created").recommended, false);
        // The operator may read it too.
        assert.equal((await h.api("GET", "/v1/event_types")).status, 200);
      });
    });

    describe("POST /v1/event_types", () => {
      test("the operator adds a type; it is listed, subscribable and emittable, and can be updated", async () => {
        const res = await h.api("POST", "/v1/event_types", {
          name: "invoice.paid",
          description: "An invoice was paid.",
          group: "Invoices",
        });
        assert.equal(res.status, 200);
        assert.deepEqual(res.body, {
          name: "invoice.paid",
          description: "An invoice was paid.",
          group: "Invoices",
          recommended: false,
        });

        const list = await h.api("GET", "/v1/event_types", undefined, acct.testKey);
        assert.equal(list.body.data.length, BUILTIN_EVENT_TYPES.length + 1);
        assert.equal(list.body.data.at(-1).name, "invoice.paid");

        assert.equal(
          (await h.api("POST", "/v1/webhooks", endpointBody({ enabled_events: ["invoice.*"] }), acct.testKey)).status,
          201,
        );
        const evt = await h.api(
          "POST",
          "/v1/events",
          { type: "invoice.paid", data: { object: { id: "in_1" } } },
          acct.testKey,
        );
        assert.equal(evt.status, 202);
        assert.equal(
          (await h.api("GET", `/v1/deliveries?event_id=${evt.body.id}`, undefined, acct.testKey)).body.data.length,
          1,
        );

        const updated = await h.api("POST", "/v1/event_types", {
          name: "invoice.paid",
          description: "Paid in full.",
          group: "Invoices",
          recommended: true,
        });
        assert.equal(updated.body.recommended, true);
        const after = await h.api("GET", "/v1/event_types", undefined, acct.testKey);
        assert.equal(after.body.data.filter((t: Json) => t.name === "invoice.paid").length, 1);
        assert.equal(after.body.data.find((t: Json) => t.name === "invoice.paid").description, "Paid in full.");
      });

      test("built-in names are reserved; names must be dotted lower-case words", async () => {
        const reserved = await h.api("POST", "/v1/event_types", {
          name: "payment.succeeded",
          description: "x",
          group: "x",
        });
        assert.equal(reserved.status, 400);
        assert.equal(errorOf(reserved).code, "event_type_reserved");
        assert.equal(errorOf(reserved).param, "name");
        for (const name of ["invoice", "Invoice.Paid", "invoice.*", "invoice..paid", "*"]) {
          const res = await h.api("POST", "/v1/event_types", { name, description: "x", group: "x" });
          assert.equal(res.status, 400, name);
          assert.equal(errorOf(res).param, "name");
          assert.match(errorOf(res).message, /lower-case/);
        }
        const missing = await h.api("POST", "/v1/event_types", { name: "a.b", group: "x" });
        assert.equal(errorOf(missing).code, "parameter_missing");
        assert.equal(errorOf(missing).param, "description");
      });
    });
  });
}
