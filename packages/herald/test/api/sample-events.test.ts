import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { BUILTIN_EVENT_TYPES } from "../../src/domain/event-types.js";
import { sampleObject } from "../../src/domain/sample-events.js";

const PREFIX: Record<string, string> = {
  payment: "pay_",
  checkout: "cs_",
  refund: "re_",
  customer: "cus_",
  charge: "ch_",
  paywall: "pw_",
  service: "svc_",
};

describe("sampleObject", () => {
  test("every built-in type has a realistic object with the right id prefix", () => {
    for (const { name } of BUILTIN_EVENT_TYPES) {
      const object = sampleObject(name);
      const prefix = PREFIX[name.split(".")[0] as string];
      assert.ok(prefix !== undefined, name);
      assert.ok(String(object.id).startsWith(prefix), `${name}: ${object.id}`);
      assert.equal(typeof object.object, "string", name);
      assert.ok(Number.isInteger(object.created), name);
      for (const key of ["amount", "amount_total"]) {
        if (key in object) assert.ok(Number.isInteger(object[key]), `${name}.${key} in minor units`);
      }
      assert.doesNotThrow(() => JSON.stringify(object));
    }
  });

  test("payments carry currency, status, network, payer and a 0x tx hash", () => {
    const p = sampleObject("payment.succeeded");
    assert.equal(p.currency, "usd");
    assert.equal(p.status, "succeeded");
    assert.match(String(p.tx_hash), /^0x[0-9a-f]{64}$/);
    assert.ok(p.network === "base" || p.network === "solana");
    assert.equal(typeof p.payer, "string");
    const r = sampleObject("refund.created");
    assert.match(String(r.payment), /^pay_/);
    assert.equal(typeof r.reason, "string");
    const c = sampleObject("customer.created");
    assert.match(String(c.email), /@/);
  });

  test("ids are fresh on every call; custom types get a generic object", () => {
    assert.notEqual(sampleObject("payment.succeeded").id, sampleObject("payment.succeeded").id);
    const custom = sampleObject("invoice.paid");
    assert.equal(custom.object, "invoice");
    assert.match(String(custom.id), /^obj_/);
  });
});
