import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Webhook } from "standardwebhooks";
import { generateSecret, signatureHeaders, verify } from "../src/index.js";
import { BODY, EVENT_ID, realNow, SECRET } from "./fixtures.js";

// The published Standard Webhooks test vector (the reference libraries' sign() test). A
// round-trip through our own verify() would pass with the wrong delimiter, base64 alphabet or
// key decoding too; reproducing this exact string is what proves receivers' libraries agree.
const VECTOR = {
  secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
  id: "msg_p5jXN8AQM9LWM0D4loKWxJek",
  timestamp: 1614265330,
  body: '{"test": 2432232314}',
  signature: "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
};

describe("standard scheme", () => {
  it("reproduces the published Standard Webhooks test vector", () => {
    const headers = signatureHeaders({
      scheme: "standard",
      secrets: [VECTOR.secret],
      id: VECTOR.id,
      timestamp: VECTOR.timestamp,
      body: VECTOR.body,
    });
    assert.deepEqual(headers, {
      "webhook-id": VECTOR.id,
      "webhook-timestamp": String(VECTOR.timestamp),
      "webhook-signature": VECTOR.signature,
    });
  });

  it("signs bytes exactly like the same text", () => {
    const fromBytes = signatureHeaders({
      scheme: "standard",
      secrets: [VECTOR.secret],
      id: VECTOR.id,
      timestamp: VECTOR.timestamp,
      body: new TextEncoder().encode(VECTOR.body),
    });
    assert.equal(fromBytes["webhook-signature"], VECTOR.signature);
  });

  it("verifies the published test vector", () => {
    const headers = {
      "webhook-id": VECTOR.id,
      "webhook-timestamp": String(VECTOR.timestamp),
      "webhook-signature": VECTOR.signature,
    };
    const event = verify(VECTOR.body, headers, VECTOR.secret, { now: () => VECTOR.timestamp });
    assert.deepEqual(event, { test: 2432232314 });
  });

  it("is verified by the standardwebhooks package", () => {
    const timestamp = realNow();
    const headers = signatureHeaders({
      scheme: "standard",
      secrets: [SECRET],
      id: EVENT_ID,
      timestamp,
      body: BODY,
    });
    const event = new Webhook(SECRET).verify(BODY, headers);
    assert.deepEqual(event, JSON.parse(BODY));
  });

  it("verifies what the standardwebhooks package signs", () => {
    const timestamp = realNow();
    const signature = new Webhook(SECRET).sign(EVENT_ID, new Date(timestamp * 1000), BODY);
    const headers = {
      "webhook-id": EVENT_ID,
      "webhook-timestamp": String(timestamp),
      "webhook-signature": signature,
    };
    assert.deepEqual(verify(BODY, headers, SECRET), JSON.parse(BODY));
  });

  it("signs with generated secrets that the standardwebhooks package accepts", () => {
    const secret = generateSecret();
    const timestamp = realNow();
    const headers = signatureHeaders({
      scheme: "standard",
      secrets: [secret],
      id: EVENT_ID,
      timestamp,
      body: BODY,
    });
    assert.deepEqual(new Webhook(secret).verify(BODY, headers), JSON.parse(BODY));
  });

  it("accepts a secret without the whsec_ prefix, as the reference implementation does", () => {
    const bare = VECTOR.secret.slice("whsec_".length);
    const headers = signatureHeaders({
      scheme: "standard",
      secrets: [bare],
      id: VECTOR.id,
      timestamp: VECTOR.timestamp,
      body: VECTOR.body,
    });
    assert.equal(headers["webhook-signature"], VECTOR.signature);
  });

  it("rejects a secret that is not base64 instead of signing with a different key", () => {
    assert.throws(
      () =>
        signatureHeaders({
          scheme: "standard",
          secrets: ["whsec_not base64!"],
          id: EVENT_ID,
          timestamp: 1,
          body: BODY,
        }),
      TypeError,
    );
  });
});
