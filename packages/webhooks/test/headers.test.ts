import assert from "node:assert/strict";
import type { IncomingHttpHeaders } from "node:http";
import { describe, it } from "node:test";
import { SIGNATURE_SCHEMES, signatureHeaders, verify } from "../src/index.js";
import { assertRejects, BODY, EVENT_ID, NOW, SECRET } from "./fixtures.js";

const at = { now: () => NOW };

function sign(scheme: (typeof SIGNATURE_SCHEMES)[number]) {
  return signatureHeaders({ scheme, secrets: [SECRET], id: EVENT_ID, timestamp: NOW, body: BODY });
}

function upperCased(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toUpperCase(), value]));
}

describe("header shapes", () => {
  for (const scheme of SIGNATURE_SCHEMES) {
    it(`${scheme}: detected and verified from a plain object in any letter case`, () => {
      assert.ok(verify(BODY, sign(scheme), SECRET, at));
      assert.ok(verify(BODY, upperCased(sign(scheme)), SECRET, at));
    });

    it(`${scheme}: verified from a WHATWG Headers`, () => {
      assert.ok(verify(BODY, new Headers(sign(scheme)), SECRET, at));
    });

    it(`${scheme}: verified from Node's IncomingHttpHeaders`, () => {
      const incoming: IncomingHttpHeaders = { "content-type": "application/json", ...sign(scheme) };
      assert.ok(verify(BODY, incoming, SECRET, at));
    });
  }

  it("returns lower-case header names only", () => {
    for (const scheme of SIGNATURE_SCHEMES) {
      for (const name of Object.keys(sign(scheme))) assert.equal(name, name.toLowerCase());
    }
  });

  it("accepts repeated headers (arrays) and values a proxy combined with ', '", () => {
    const first = signatureHeaders({
      scheme: "standard",
      secrets: ["whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="],
      id: EVENT_ID,
      timestamp: NOW,
      body: BODY,
    });
    const second = sign("standard");
    const signatures = [first["webhook-signature"] ?? "", second["webhook-signature"] ?? ""];
    assert.ok(verify(BODY, { ...second, "webhook-signature": signatures }, SECRET, at));
    assert.ok(verify(BODY, { ...second, "webhook-signature": signatures.join(", ") }, SECRET, at));

    const hmacFirst = signatureHeaders({
      scheme: "hmac",
      secrets: ["other"],
      id: EVENT_ID,
      timestamp: NOW,
      body: BODY,
    });
    const hmacSecond = sign("hmac");
    const headers = new Headers();
    headers.append("X-Webhook-Signature", hmacFirst["x-webhook-signature"] ?? "");
    headers.append("X-Webhook-Signature", hmacSecond["x-webhook-signature"] ?? "");
    assert.ok(verify(BODY, headers, SECRET, at));
  });

  it("verifies a Uint8Array view into a larger buffer without reading outside it", () => {
    const bytes = Buffer.from(`xxxx${BODY}yyyy`);
    const view = new Uint8Array(bytes.buffer, bytes.byteOffset + 4, bytes.length - 8);
    for (const scheme of SIGNATURE_SCHEMES) {
      assert.deepEqual(verify(view, sign(scheme), SECRET, at), JSON.parse(BODY));
    }
  });

  it("ignores header names that exist on Object.prototype", () => {
    const headers = { ...sign("hmac") };
    assert.ok(verify(BODY, headers, SECRET, { ...at, signatureHeader: "x-webhook-signature" }));
    assertRejects(
      () => verify(BODY, {}, SECRET, { signatureHeader: "constructor", scheme: "hmac" }),
      "missing_headers",
    );
    const nullPrototype: Record<string, string> = Object.assign(Object.create(null), sign("hmac"));
    assert.ok(verify(BODY, nullPrototype, SECRET, at));
  });
});
