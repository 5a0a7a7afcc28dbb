import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { describe, it } from "node:test";
import { signatureHeaders, verify } from "../src/index.js";
import { BODY, EVENT_ID, NOW, SECRET } from "./fixtures.js";

// Computed here from the contract's words alone, independently of the package's code.
function hexHmac(key: string, content: string): string {
  return createHmac("sha256", key).update(content, "utf8").digest("hex");
}

describe("hmac-timestamp scheme", () => {
  it("signs `ts.body` with the whole secret under the default header names", () => {
    const headers = signatureHeaders({
      scheme: "hmac-timestamp",
      secrets: [SECRET],
      id: EVENT_ID,
      timestamp: NOW,
      body: BODY,
    });
    assert.deepEqual(headers, {
      "webhook-id": EVENT_ID,
      "x-webhook-signature": hexHmac(SECRET, `${NOW}.${BODY}`),
      "x-webhook-timestamp": String(NOW),
    });
  });

  it("uses the configured header names, lower-cased", () => {
    const headers = signatureHeaders({
      scheme: "hmac-timestamp",
      secrets: [SECRET],
      id: EVENT_ID,
      timestamp: NOW,
      body: BODY,
      signatureHeader: "Payment-Signature",
      timestampHeader: "Payment-Timestamp",
    });
    assert.deepEqual(Object.keys(headers).sort(), ["payment-signature", "payment-timestamp", "webhook-id"]);
    const event = verify(BODY, headers, SECRET, {
      now: () => NOW,
      signatureHeader: "payment-signature",
      timestampHeader: "PAYMENT-TIMESTAMP",
    });
    assert.deepEqual(event, JSON.parse(BODY));
  });

  it("verifies an independently computed signature, upper-case hex included", () => {
    const headers = {
      "X-Webhook-Signature": hexHmac(SECRET, `${NOW}.${BODY}`).toUpperCase(),
      "X-Webhook-Timestamp": String(NOW),
    };
    assert.deepEqual(verify(BODY, headers, SECRET, { now: () => NOW }), JSON.parse(BODY));
  });
});

describe("hmac scheme", () => {
  it("signs the body alone with the whole secret", () => {
    const headers = signatureHeaders({
      scheme: "hmac",
      secrets: [SECRET],
      id: EVENT_ID,
      timestamp: NOW,
      body: BODY,
    });
    assert.deepEqual(headers, {
      "webhook-id": EVENT_ID,
      "x-webhook-signature": hexHmac(SECRET, BODY),
    });
  });

  it("verifies an independently computed signature under a custom header", () => {
    const headers = { "Payment-Signature": hexHmac(SECRET, BODY) };
    const event = verify(BODY, headers, SECRET, { signatureHeader: "Payment-Signature" });
    assert.deepEqual(event, JSON.parse(BODY));
  });

  it("has no timestamp, so no tolerance check", () => {
    const headers = signatureHeaders({
      scheme: "hmac",
      secrets: [SECRET],
      id: EVENT_ID,
      timestamp: 0,
      body: BODY,
    });
    assert.ok(verify(BODY, headers, SECRET, { now: () => NOW * 2, toleranceSeconds: 0 }));
  });
});
