import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { describe, it } from "node:test";
import { Webhook } from "standardwebhooks";
import Stripe from "stripe";
import { SIGNATURE_SCHEMES, signatureHeaders, verify } from "../src/index.js";
import { assertRejects, BODY, EVENT_ID, NOW, OLD_SECRET, realNow, SECRET } from "./fixtures.js";

const UNRELATED_SECRET = "whsec_+I8zzkuZBpcuQvfwv9fk4hcneWgY6SOF0GUH31YQ4HI=";

function sign(scheme: (typeof SIGNATURE_SCHEMES)[number], timestamp: number) {
  // Newest first, as the server passes them during a rotation.
  return signatureHeaders({ scheme, secrets: [SECRET, OLD_SECRET], id: EVENT_ID, timestamp, body: BODY });
}

describe("secret rotation: two live secrets", () => {
  for (const scheme of SIGNATURE_SCHEMES) {
    it(`${scheme}: either secret verifies, an unrelated one does not`, () => {
      const headers = sign(scheme, NOW);
      for (const secret of [SECRET, OLD_SECRET]) {
        assert.deepEqual(verify(BODY, headers, secret, { now: () => NOW }), JSON.parse(BODY));
      }
      assertRejects(() => verify(BODY, headers, UNRELATED_SECRET, { now: () => NOW }), "bad_signature");
    });
  }

  it("standard: both signatures, space-separated, newest first", () => {
    const signature = sign("standard", NOW)["webhook-signature"] ?? "";
    const parts = signature.split(" ");
    assert.equal(parts.length, 2);
    for (const part of parts) assert.match(part, /^v1,[A-Za-z0-9+/]{43}=$/);
    const one = signatureHeaders({ scheme: "standard", secrets: [SECRET], id: EVENT_ID, timestamp: NOW, body: BODY });
    assert.equal(parts[0], one["webhook-signature"]);
  });

  it("stripe: one t= and two v1= entries", () => {
    const header = sign("stripe", NOW)["stripe-signature"] ?? "";
    const [t, ...signatures] = header.split(",");
    assert.equal(t, `t=${NOW}`);
    assert.deepEqual(
      signatures,
      [SECRET, OLD_SECRET].map((secret) => `v1=${createHmac("sha256", secret).update(`${NOW}.${BODY}`).digest("hex")}`),
    );
  });

  it("hmac and hmac-timestamp: comma-separated hex digests, newest first", () => {
    const expected = (content: string) =>
      [SECRET, OLD_SECRET].map((secret) => createHmac("sha256", secret).update(content).digest("hex")).join(",");
    assert.equal(sign("hmac", NOW)["x-webhook-signature"], expected(BODY));
    assert.equal(sign("hmac-timestamp", NOW)["x-webhook-signature"], expected(`${NOW}.${BODY}`));
  });

  it("standardwebhooks accepts the rotated header with either secret", () => {
    const headers = sign("standard", realNow());
    for (const secret of [SECRET, OLD_SECRET]) {
      assert.deepEqual(new Webhook(secret).verify(BODY, headers), JSON.parse(BODY));
    }
  });

  it("stripe accepts the rotated header with either secret", () => {
    const header = sign("stripe", realNow())["stripe-signature"] ?? "";
    for (const secret of [SECRET, OLD_SECRET]) {
      assert.equal(Stripe.webhooks.constructEvent(BODY, header, secret).id, EVENT_ID);
    }
  });

  it("signs a byte body with two secrets exactly as the same text", () => {
    for (const scheme of SIGNATURE_SCHEMES) {
      const bytes = signatureHeaders({
        scheme,
        secrets: [SECRET, OLD_SECRET],
        id: EVENT_ID,
        timestamp: NOW,
        body: Buffer.from(BODY),
      });
      assert.deepEqual(bytes, sign(scheme, NOW));
    }
  });
});
