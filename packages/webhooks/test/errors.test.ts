import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { SignatureScheme } from "../src/index.js";
import { SIGNATURE_SCHEMES, signatureHeaders, verify, WEBHOOK_ID_HEADER } from "../src/index.js";
import { assertRejects, BODY, EVENT_ID, NOW, OLD_SECRET, SECRET } from "./fixtures.js";

const at = (now: number) => ({ now: () => now });

function sign(scheme: SignatureScheme, timestamp = NOW, body = BODY) {
  return signatureHeaders({ scheme, secrets: [SECRET], id: EVENT_ID, timestamp, body });
}

describe("verification errors", () => {
  it("missing_headers when no signature header is present", () => {
    assertRejects(() => verify(BODY, {}, SECRET, at(NOW)), "missing_headers");
    assertRejects(() => verify(BODY, { [WEBHOOK_ID_HEADER]: EVENT_ID }, SECRET), "missing_headers");
    assertRejects(() => verify(BODY, new Headers(), SECRET), "missing_headers");
  });

  for (const scheme of SIGNATURE_SCHEMES) {
    it(`${scheme}: missing_headers when a header the scheme needs is absent`, () => {
      const headers = sign(scheme);
      for (const name of Object.keys(headers)) {
        if (scheme !== "standard" && name === WEBHOOK_ID_HEADER) continue; // only standard signs it
        const partial = { ...headers };
        delete partial[name];
        assertRejects(() => verify(BODY, partial, SECRET, { ...at(NOW), scheme }), "missing_headers");
      }
    });

    it(`${scheme}: bad_signature on a tampered body`, () => {
      const tampered = BODY.replace('"amount": 2999', '"amount": 1');
      assert.notEqual(tampered, BODY);
      assertRejects(() => verify(tampered, sign(scheme), SECRET, at(NOW)), "bad_signature");
    });

    it(`${scheme}: bad_signature with the wrong secret`, () => {
      assertRejects(() => verify(BODY, sign(scheme), OLD_SECRET, at(NOW)), "bad_signature");
    });

    it(`${scheme}: bad_signature on a body re-serialised by JSON.stringify(JSON.parse(body))`, () => {
      const reserialised = JSON.stringify(JSON.parse(BODY));
      assert.notEqual(reserialised, BODY);
      assert.deepEqual(JSON.parse(reserialised), JSON.parse(BODY));
      assertRejects(() => verify(reserialised, sign(scheme), SECRET, at(NOW)), "bad_signature");
    });
  }

  for (const scheme of ["standard", "stripe", "hmac-timestamp"] as const) {
    it(`${scheme}: timestamp_too_old and timestamp_too_new outside the tolerance`, () => {
      const headers = sign(scheme);
      assertRejects(() => verify(BODY, headers, SECRET, at(NOW + 301)), "timestamp_too_old");
      assertRejects(() => verify(BODY, headers, SECRET, at(NOW - 301)), "timestamp_too_new");
      // The edges of the default 300 s window still pass.
      assert.ok(verify(BODY, headers, SECRET, at(NOW + 300)));
      assert.ok(verify(BODY, headers, SECRET, at(NOW - 300)));
      // A custom tolerance moves the edges.
      assertRejects(
        () => verify(BODY, headers, SECRET, { ...at(NOW + 11), toleranceSeconds: 10 }),
        "timestamp_too_old",
      );
      assert.ok(verify(BODY, headers, SECRET, { ...at(NOW + 86_400), toleranceSeconds: Infinity }));
    });

    it(`${scheme}: a stale timestamp re-signed by an attacker without the secret is bad_signature`, () => {
      const stale = sign(scheme, NOW - 3600);
      const fresh = sign(scheme, NOW);
      // Splice the fresh timestamp into the old signature: the signed content no longer matches.
      const spliced = { ...stale };
      for (const [name, value] of Object.entries(fresh)) {
        if (name.includes("timestamp")) spliced[name] = value;
      }
      if (scheme === "stripe") {
        spliced["stripe-signature"] = (stale["stripe-signature"] ?? "").replace(/^t=\d+/, `t=${NOW}`);
      }
      assertRejects(() => verify(BODY, spliced, SECRET, at(NOW)), "bad_signature");
    });
  }

  it("missing_headers on a timestamp that is not unix seconds", () => {
    const headers = { ...sign("standard"), "webhook-timestamp": "2025-11-24T00:00:00Z" };
    assertRejects(() => verify(BODY, headers, SECRET, at(NOW)), "missing_headers");
    const stripe = { "stripe-signature": "v1=abcdef" };
    assertRejects(() => verify(BODY, stripe, SECRET, at(NOW)), "missing_headers");
  });

  it("bad_signature when the header holds no signature of a supported version", () => {
    const headers = { ...sign("standard"), "webhook-signature": "v1a,c29tZXRoaW5n" };
    assertRejects(() => verify(BODY, headers, SECRET, at(NOW)), "bad_signature");
  });

  it("an explicit scheme is not overridden by the headers present", () => {
    assertRejects(() => verify(BODY, sign("standard"), SECRET, { ...at(NOW), scheme: "stripe" }), "missing_headers");
  });

  it("rejects bad options and inputs as programming errors, not verification errors", () => {
    assert.throws(() => verify(BODY, sign("standard"), SECRET, { toleranceSeconds: -1 }), RangeError);
    assert.throws(() => verify(BODY, {}, SECRET, { signatureHeader: "bad header" }), TypeError);
    const base = { id: EVENT_ID, timestamp: NOW, body: BODY } as const;
    assert.throws(() => signatureHeaders({ ...base, scheme: "standard", secrets: [] }), TypeError);
    assert.throws(() => signatureHeaders({ ...base, scheme: "hmac", secrets: [""] }), TypeError);
    assert.throws(() => signatureHeaders({ ...base, scheme: "stripe", secrets: [SECRET], timestamp: 1.5 }), TypeError);
    assert.throws(() => signatureHeaders({ ...base, scheme: "hmac", secrets: [SECRET], id: "" }), TypeError);
    assert.throws(
      () => signatureHeaders({ ...base, scheme: "hmac", secrets: [SECRET], signatureHeader: "Webhook-Id" }),
      TypeError,
    );
    assert.throws(() => signatureHeaders({ ...base, scheme: "nope" as SignatureScheme, secrets: [SECRET] }), TypeError);
    for (const signatureHeader of ["Webhook-Signature", "stripe-signature"]) {
      assert.throws(() => signatureHeaders({ ...base, scheme: "hmac", secrets: [SECRET], signatureHeader }), TypeError);
    }
    assert.throws(
      () =>
        signatureHeaders({
          ...base,
          scheme: "hmac-timestamp",
          secrets: [SECRET],
          signatureHeader: "X-Sig",
          timestampHeader: "x-sig",
        }),
      TypeError,
    );
  });

  it("throws SyntaxError when a correctly signed body is not JSON", () => {
    const body = "not json";
    assert.throws(() => verify(body, sign("hmac", NOW, body), SECRET), SyntaxError);
  });
});
