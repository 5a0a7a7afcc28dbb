/**
 * Per-credential API rate limits on a real server (`--api-rate-limit 5`):
 * a burst beyond the limit answers 429 in the contract's shape with
 * `Retry-After`; another key keeps its own budget; the operator token,
 * `/healthz` and `/metrics` are not limited; after the window it passes.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { type ApiResponse, type LiveHerald, startHerald } from "../helpers/live-server.js";

const LIMIT = 5;

describe("API rate limits", () => {
  let h: LiveHerald;
  let a: { id: string; testKey: string; liveKey: string };
  let b: { id: string; testKey: string; liveKey: string };
  before(async () => {
    h = await startHerald({ apiRateLimit: String(LIMIT) });
    a = await h.account("A");
    b = await h.account("B");
  });
  after(() => h.stop());

  const burst = (n: number, call: () => Promise<ApiResponse>): Promise<ApiResponse[]> =>
    Promise.all(Array.from({ length: n }, call));

  test("a burst beyond the limit answers 429 rate_limited with Retry-After; after it, requests pass", async () => {
    const answers = await burst(LIMIT * 3, () => h.api("GET", "/v1/webhooks", undefined, a.testKey));
    const limited = answers.filter((r) => r.status === 429);
    const passed = answers.filter((r) => r.status === 200);
    assert.equal(passed.length + limited.length, answers.length, JSON.stringify(answers.map((r) => r.status)));
    // The window may roll over during the burst, so at least the limit passes, and never all of it.
    assert.ok(passed.length >= LIMIT, `passed ${passed.length}`);
    assert.ok(limited.length > 0, "nothing was limited");
    const first = limited[0] as ApiResponse;
    assert.equal(first.body.error.type, "rate_limit_error");
    assert.equal(first.body.error.code, "rate_limited");
    assert.match(first.body.error.message, /5 per second/);
    assert.deepEqual(Object.keys(first.body), ["error"]);
    // Whole seconds until the one-second window ends.
    assert.equal(first.headers["retry-after"], "1");
    const retryAfter = 1;
    assert.equal(first.headers["x-ratelimit-limit"], String(LIMIT));
    assert.match(String(first.headers["content-type"]), /^application\/json/);

    await new Promise((r) => setTimeout(r, retryAfter * 1000 + 100));
    const again = await h.api("GET", "/v1/webhooks", undefined, a.testKey);
    assert.equal(again.status, 200);
  });

  test("each key has its own budget: another account's key and the same account's live key still pass", async () => {
    await burst(LIMIT * 3, () => h.api("GET", "/v1/webhooks", undefined, a.testKey));
    const stillA = await h.api("GET", "/v1/webhooks", undefined, a.testKey);
    assert.equal(stillA.status, 429);
    const otherAccount = await h.api("GET", "/v1/webhooks", undefined, b.testKey);
    assert.equal(otherAccount.status, 200);
    const otherKey = await h.api("GET", "/v1/webhooks", undefined, a.liveKey);
    assert.equal(otherKey.status, 200);
  });

  test("a refused request does not reach the route: a limited POST stores nothing", async () => {
    await burst(LIMIT * 3, () => h.api("GET", "/v1/webhooks", undefined, b.liveKey));
    const create = await h.api(
      "POST",
      "/v1/webhooks",
      { url: "https://example.com/limited", enabled_events: ["*"] },
      b.liveKey,
    );
    assert.equal(create.status, 429);
    await new Promise((r) => setTimeout(r, 1100));
    const list = await h.api("GET", "/v1/webhooks", undefined, b.liveKey);
    assert.equal(list.status, 200);
    assert.equal(list.body.data.length, 0);
  });

  test("the operator token and reads without credentials (/healthz, /metrics, /openapi.json) are never limited", async () => {
    const operator = await burst(LIMIT * 4, () => h.api("GET", "/v1/accounts"));
    assert.deepEqual(new Set(operator.map((r) => r.status)), new Set([200]));
    const health = await burst(LIMIT * 4, () => h.api("GET", "/healthz", undefined, "none"));
    assert.deepEqual(new Set(health.map((r) => r.status)), new Set([200]));
    const metrics = await burst(LIMIT * 4, () => h.api("GET", "/metrics", undefined, "none"));
    assert.deepEqual(new Set(metrics.map((r) => r.status)), new Set([200]));
    const openapi = await burst(LIMIT * 4, () => h.api("GET", "/openapi.json", undefined, "none"));
    assert.deepEqual(new Set(openapi.map((r) => r.status)), new Set([200]));
  });

  test("dashboard sign-in attempts without credentials share a budget per client address", async () => {
    const signIn = () => h.api("POST", "/v1/dashboard/session", { secret_key: "sk_test_notARealKey0000" }, "none");
    const answers = await burst(LIMIT * 3, signIn);
    const limited = answers.filter((r) => r.status === 429);
    assert.ok(limited.length > 0, JSON.stringify(answers.map((r) => r.status)));
    assert.ok(answers.some((r) => r.status >= 400 && r.status < 429));
    assert.equal(limited[0]?.body.error.code, "rate_limited");
  });
});

describe("API rate limits off", () => {
  let h: LiveHerald;
  before(async () => {
    h = await startHerald({ apiRateLimit: "0" });
  });
  after(() => h.stop());

  test("--api-rate-limit 0 admits any burst", async () => {
    const key = (await h.account()).testKey;
    const answers = await Promise.all(Array.from({ length: 150 }, () => h.api("GET", "/v1/webhooks", undefined, key)));
    assert.deepEqual(new Set(answers.map((r) => r.status)), new Set([200]));
  });
});
