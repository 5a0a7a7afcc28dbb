import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { MemoryIdempotencyStore, WebhookIdempotency } from "../src/index.js";

describe("MemoryIdempotencyStore", () => {
  it("claims a key once until it expires", () => {
    let now = 1_000;
    const store = new MemoryIdempotencyStore({ now: () => now });
    assert.equal(store.claim("evt_1", 100), null);
    assert.equal(store.claim("evt_1", 100), "processing");
    now += 101;
    assert.equal(store.claim("evt_1", 100), null, "an expired processing claim can be taken again");
    store.complete("evt_1", 1_000);
    now += 500;
    assert.equal(store.claim("evt_1", 100), "done");
    now += 501;
    assert.equal(store.claim("evt_1", 100), null, "a done record expires after its ttl");
  });

  it("forgets a released key", () => {
    const store = new MemoryIdempotencyStore();
    assert.equal(store.claim("evt_1", 1_000), null);
    store.release("evt_1");
    assert.equal(store.claim("evt_1", 1_000), null);
  });

  it("keeps at most maxEntries, dropping the oldest write first", () => {
    const store = new MemoryIdempotencyStore({ maxEntries: 3 });
    for (const id of ["a", "b", "c"]) store.complete(id, 60_000);
    store.complete("a", 60_000); // rewritten: now the newest
    store.complete("d", 60_000); // drops "b"
    assert.equal(store.size, 3);
    assert.equal(store.claim("b", 1_000), null);
    assert.equal(store.claim("a", 1_000), "done");
    assert.throws(() => new MemoryIdempotencyStore({ maxEntries: 0 }), RangeError);
  });

  it("sweeps expired records as it goes", () => {
    let now = 0;
    const store = new MemoryIdempotencyStore({ now: () => now });
    for (let i = 0; i < 5; i++) store.complete(`old_${i}`, 10);
    now = 100;
    store.claim("new", 10);
    assert.equal(store.size, 1);
  });
});

describe("WebhookIdempotency", () => {
  it("runs a handler once per event id", async () => {
    const idempotency = new WebhookIdempotency();
    let runs = 0;
    const first = await idempotency.run("evt_1", () => ++runs);
    const second = await idempotency.run("evt_1", () => ++runs);
    assert.deepEqual(first, { status: "processed", value: 1 });
    assert.deepEqual(second, { status: "duplicate" });
    assert.equal(runs, 1);
  });

  it("runs again after the handler failed", async () => {
    const idempotency = new WebhookIdempotency();
    await assert.rejects(
      idempotency.run("evt_1", () => {
        throw new Error("database down");
      }),
      /database down/,
    );
    assert.deepEqual(await idempotency.run("evt_1", () => "ok"), { status: "processed", value: "ok" });
  });

  it("reports a concurrent delivery of the same id as in progress", async () => {
    const idempotency = new WebhookIdempotency();
    let finish = (): void => {};
    const slow = idempotency.run("evt_1", () => new Promise<void>((resolve) => (finish = resolve)));
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(await idempotency.run("evt_1", () => "again"), { status: "in_progress" });
    finish();
    assert.equal((await slow).status, "processed");
  });

  it("separates ids by keyPrefix and validates its options", async () => {
    const store = new MemoryIdempotencyStore();
    const a = new WebhookIdempotency({ store, keyPrefix: "we_a:" });
    const b = new WebhookIdempotency({ store, keyPrefix: "we_b:" });
    assert.equal((await a.run("evt_1", () => 1)).status, "processed");
    assert.equal((await b.run("evt_1", () => 1)).status, "processed");
    assert.throws(() => new WebhookIdempotency({ ttlSeconds: 0 }), RangeError);
    await assert.rejects(a.claim(""), TypeError);
  });

  it("accepts an asynchronous store", async () => {
    const inner = new MemoryIdempotencyStore();
    const store = {
      claim: async (key: string, ttl: number) => inner.claim(key, ttl),
      complete: async (key: string, ttl: number) => inner.complete(key, ttl),
      release: async (key: string) => inner.release(key),
    };
    const idempotency = new WebhookIdempotency({ store });
    assert.equal((await idempotency.run("evt_1", () => 1)).status, "processed");
    assert.equal((await idempotency.run("evt_1", () => 1)).status, "duplicate");
  });
});
