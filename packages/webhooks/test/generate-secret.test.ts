import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { generateSecret } from "../src/index.js";

describe("generateSecret", () => {
  it("is whsec_ plus base64 of 32 random bytes", () => {
    const secret = generateSecret();
    assert.match(secret, /^whsec_[A-Za-z0-9+/]{43}=$/);
    assert.equal(Buffer.from(secret.slice("whsec_".length), "base64").length, 32);
  });

  it("never repeats", () => {
    const secrets = new Set(Array.from({ length: 1000 }, generateSecret));
    assert.equal(secrets.size, 1000);
  });
});
