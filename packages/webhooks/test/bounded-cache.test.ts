import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { BoundedCache } from "../src/bounded-cache.js";

describe("BoundedCache", () => {
  it("computes once per key and keeps at most its capacity", () => {
    const cache = new BoundedCache<string, number>(2);
    let calls = 0;
    const create = (key: string) => {
      calls++;
      return key.length;
    };
    assert.equal(cache.getOrCreate("a", create), 1);
    assert.equal(cache.getOrCreate("a", create), 1);
    assert.equal(calls, 1);
    cache.getOrCreate("bb", create);
    cache.getOrCreate("a", create); // "a" is now the most recently used
    cache.getOrCreate("ccc", create); // evicts "bb"
    assert.equal(cache.size, 2);
    calls = 0;
    cache.getOrCreate("a", create);
    cache.getOrCreate("ccc", create);
    assert.equal(calls, 0);
    cache.getOrCreate("bb", create);
    assert.equal(calls, 1);
  });

  it("rejects a capacity below one", () => {
    assert.throws(() => new BoundedCache(0), RangeError);
  });
});
