import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { timingSafeEqualString } from "../src/index.js";

describe("timingSafeEqualString", () => {
  it("is true only for identical strings", () => {
    assert.equal(timingSafeEqualString("abc", "abc"), true);
    assert.equal(timingSafeEqualString("", ""), true);
    assert.equal(timingSafeEqualString("café ☕", "café ☕"), true);
    assert.equal(timingSafeEqualString("abc", "abd"), false);
    assert.equal(timingSafeEqualString("abc", "ABC"), false);
  });

  it("handles different lengths without throwing, zero padding included", () => {
    assert.equal(timingSafeEqualString("abc", "abcd"), false);
    assert.equal(timingSafeEqualString("abcd", "abc"), false);
    assert.equal(timingSafeEqualString("", "a"), false);
    // Zero padding must not make a string equal to itself plus NUL bytes.
    assert.equal(timingSafeEqualString("abc", "abc\0"), false);
    assert.equal(timingSafeEqualString("abc\0\0", "abc"), false);
  });

  it("compares UTF-8 bytes, so equal-length strings of different byte lengths differ", () => {
    assert.equal(timingSafeEqualString("é", "e"), false);
    assert.equal(timingSafeEqualString("ab", "☕"), false);
  });

  it("gives the same answers for long strings, past the reused scratch buffer", () => {
    const long = "x".repeat(5000);
    assert.equal(timingSafeEqualString(long, long), true);
    assert.equal(timingSafeEqualString(long, `${long}y`), false);
    assert.equal(timingSafeEqualString(`${long.slice(1)}y`, long), false);
    // A short comparison after a long one is not polluted by leftover bytes.
    assert.equal(timingSafeEqualString("ab", "ab"), true);
    assert.equal(timingSafeEqualString("ab", "abc"), false);
  });

  it("is not polluted by bytes a previous, longer call left in the scratch buffer", () => {
    assert.equal(timingSafeEqualString("a".repeat(400), "a".repeat(400)), true);
    assert.equal(timingSafeEqualString("a", "a\0"), false);
    assert.equal(timingSafeEqualString("", ""), true);
  });
});
