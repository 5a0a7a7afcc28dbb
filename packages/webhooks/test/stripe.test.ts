import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { describe, it } from "node:test";
import Stripe from "stripe";
import { signatureHeaders, verify } from "../src/index.js";
import { BODY, EVENT_ID, NOW, realNow, SECRET } from "./fixtures.js";

const stripeWebhooks = new Stripe("sk_test_x").webhooks;

describe("stripe scheme", () => {
  it("sends t= and a v1= hex HMAC over `t.body` keyed with the whole secret", () => {
    const headers = signatureHeaders({
      scheme: "stripe",
      secrets: [SECRET],
      id: EVENT_ID,
      timestamp: NOW,
      body: BODY,
    });
    const expected = createHmac("sha256", SECRET).update(`${NOW}.${BODY}`).digest("hex");
    assert.deepEqual(headers, {
      "webhook-id": EVENT_ID,
      "stripe-signature": `t=${NOW},v1=${expected}`,
    });
  });

  it("is verified by the stripe package", () => {
    const headers = signatureHeaders({
      scheme: "stripe",
      secrets: [SECRET],
      id: EVENT_ID,
      timestamp: realNow(),
      body: BODY,
    });
    const event = stripeWebhooks.constructEvent(BODY, headers["stripe-signature"] ?? "", SECRET);
    assert.equal(event.id, EVENT_ID);
    // The static Stripe.webhooks is the same implementation; check it too.
    Stripe.webhooks.constructEvent(BODY, headers["stripe-signature"] ?? "", SECRET);
  });

  it("verifies a header made by stripe.webhooks.generateTestHeaderString", () => {
    const timestamp = realNow();
    const header = stripeWebhooks.generateTestHeaderString({ payload: BODY, secret: SECRET, timestamp });
    const event = verify(BODY, { "Stripe-Signature": header }, SECRET);
    assert.deepEqual(event, JSON.parse(BODY));
  });

  it("ignores Stripe's v0 test signatures and unknown keys", () => {
    const signature = createHmac("sha256", SECRET).update(`${NOW}.${BODY}`).digest("hex");
    const header = `t=${NOW},v0=${"0".repeat(64)},v1=${signature},x=1`;
    assert.ok(verify(BODY, { "stripe-signature": header }, SECRET, { now: () => NOW }));
  });
});
