/**
 * Property-based fuzzing of the API: over ten thousand generated requests —
 * wrong types, missing and extra fields, deep nesting, huge strings, unicode,
 * invalid UTF-8, broken JSON, odd headers, duplicate query parameters, other
 * accounts' and modes' ids — answer only 2xx or 4xx, every error in the
 * contract's shape, and leave the store consistent.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import fc from "fast-check";
import { type ApiHarness, startApi, type TestAccount } from "../helpers/harness.js";

const ERROR_TYPES = new Set([
  "invalid_request_error",
  "authentication_error",
  "permission_error",
  "not_found",
  "conflict",
  "rate_limit_error",
  "api_error",
]);

describe("API fuzzing", () => {
  let h: ApiHarness;
  let a: TestAccount;
  let b: TestAccount;
  const ids: string[] = [];

  before(async () => {
    h = await startApi();
    a = await h.account();
    b = await h.account();
    // Real objects of both accounts and both modes, so generated paths hit them.
    for (const [key, n] of [
      [a.testKey, 1],
      [a.liveKey, 2],
      [b.testKey, 3],
    ] as const) {
      const url = n === 2 ? "https://example.com/live-hook" : `http://127.0.0.1:9/hook-${n}`;
      const ep = await h.api("POST", "/v1/webhooks", { url, enabled_events: ["*"] }, key);
      assert.equal(ep.status, 201, JSON.stringify(ep.body));
      ids.push(ep.body.id);
      if (n !== 2) {
        const ev = await h.api("POST", "/v1/events", { type: "payment.succeeded", data: { object: {} } }, key);
        ids.push(ev.body.id);
        const d = await h.api("GET", `/v1/webhooks/${ep.body.id}/deliveries`, undefined, key);
        ids.push(d.body.data[0].id);
      }
    }
    ids.push(a.id, b.id);
  });
  after(() => h.close());

  const id = () =>
    fc.oneof(fc.constantFrom(...ids), fc.string({ maxLength: 40 }), fc.constant("evt_../../etc"), fc.constant("%00"));
  const path = () =>
    fc.oneof(
      fc.constantFrom(
        "/v1/webhooks",
        "/v1/events",
        "/v1/accounts",
        "/v1/event_types",
        "/v1/deliveries",
        "/healthz",
        "/v1",
      ),
      id().map((x) => `/v1/webhooks/${encodeURIComponent(x)}`),
      id().map((x) => `/v1/webhooks/${encodeURIComponent(x)}/rotate_secret`),
      id().map((x) => `/v1/webhooks/${encodeURIComponent(x)}/test`),
      id().map((x) => `/v1/webhooks/${encodeURIComponent(x)}/recover`),
      id().map((x) => `/v1/webhooks/${encodeURIComponent(x)}/deliveries`),
      id().map((x) => `/v1/deliveries/${encodeURIComponent(x)}`),
      id().map((x) => `/v1/deliveries/${encodeURIComponent(x)}/resend`),
      id().map((x) => `/v1/events/${encodeURIComponent(x)}`),
      id().map((x) => `/v1/accounts/${encodeURIComponent(x)}`),
      id().map((x) => `/v1/accounts/${encodeURIComponent(x)}/api_keys`),
    );
  const query = () =>
    fc.oneof(
      fc.constant(""),
      fc.constant("?limit=1&limit=2"),
      fc.constant("?limit=0"),
      fc.constant("?limit=abc"),
      fc.constant("?status=pending&status=failed"),
      fc.constant("?type=payment.*&delivery_success=maybe"),
      id().map((x) => `?starting_after=${encodeURIComponent(x)}`),
      fc.string({ maxLength: 30 }).map((s) => `?${encodeURIComponent(s)}=${encodeURIComponent(s)}`),
    );
  // Plausible bodies with one thing wrong, and plain junk.
  const field = () =>
    fc.oneof(
      fc.jsonValue({ maxDepth: 3 }),
      fc.string({ unit: "grapheme", maxLength: 50 }),
      fc.constant("x".repeat(70_000)),
      fc.constantFrom(
        "https://example.com/a",
        "http://127.0.0.1:1/",
        "https://10.0.0.1/",
        "http://2130706433/",
        "javascript:alert(1)",
      ),
      fc.constantFrom(["*"], ["payment.succeeded"], ["nope.nope"], [], ["payment.*"]),
    );
  const objectBody = () =>
    fc
      .dictionary(
        fc.constantFrom(
          "url",
          "enabled_events",
          "description",
          "metadata",
          "status",
          "type",
          "data",
          "livemode",
          "id",
          "name",
          "plan",
          "mode",
          "since",
          "expires_in",
          "signature_scheme",
          "signature_header",
          "rate_limit",
          "max_in_flight",
          "__proto__",
          "extra",
        ),
        field(),
        { maxKeys: 6 },
      )
      .map((o) => JSON.stringify(o));
  const deep = (n: number) => `${"[".repeat(n)}${"]".repeat(n)}`;
  const body = () =>
    fc.oneof(
      { weight: 4, arbitrary: objectBody() },
      { weight: 1, arbitrary: fc.jsonValue().map((v) => JSON.stringify(v)) },
      { weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
      {
        weight: 1,
        arbitrary: fc.constantFrom("{", '{"url":', "null", "[]", '{"a":1}}', deep(5000), '{"type":"\\ud800"}'),
      },
      { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }).map((u) => Buffer.from(u)) },
      { weight: 1, arbitrary: fc.constant(undefined) },
    );
  const token = () =>
    fc.oneof(
      fc.constant(() => a.testKey),
      fc.constant(() => a.liveKey),
      fc.constant(() => b.testKey),
      fc.constant(() => h.adminToken),
      fc.constant(() => "sk_test_malformed"),
      fc.constant(() => "sk_live_"),
      fc.constant(() => ""),
      fc.constant(() => null),
    );
  const headers = () =>
    fc.record(
      {
        "content-type": fc.constantFrom(
          "application/json",
          "application/json; charset=utf-8",
          "text/plain",
          "application/x-www-form-urlencoded",
          "",
          "application/json; charset=latin1",
        ),
        "idempotency-key": fc.oneof(fc.string({ maxLength: 20 }), fc.constant("k".repeat(300))),
        "herald-account": fc.oneof(fc.constantFrom(a?.id ?? "", "acct_nope"), fc.string({ maxLength: 10 })),
      },
      { requiredKeys: [] },
    );

  test("10,000 generated requests: only 2xx/4xx, errors in the contract's shape", async () => {
    let count = 0;
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom("GET", "POST", "PATCH", "DELETE", "PUT"),
        path(),
        query(),
        body(),
        token(),
        headers(),
        async (method, p, q, payload, tok, hdrs) => {
          count++;
          const t = tok();
          const res = await h.app.inject({
            method: method as "GET",
            url: `${p}${q}`,
            headers: { ...(t === null ? {} : { authorization: `Bearer ${t}` }), ...hdrs },
            ...(payload === undefined || method === "GET" ? {} : { payload }),
          });
          statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
          assert.ok(res.statusCode < 500, `${method} ${p}${q} → ${res.statusCode}: ${res.body.slice(0, 300)}`);
          if (res.statusCode >= 400) {
            const e = JSON.parse(res.body).error;
            assert.ok(ERROR_TYPES.has(e.type), `error type ${e.type}`);
            assert.equal(typeof e.code, "string");
            assert.equal(typeof e.message, "string");
          } else if (p !== "/healthz") {
            JSON.parse(res.body);
          }
        },
      ),
      { numRuns: 10_000, seed: Number(process.env.FUZZ_SEED ?? 20261122) },
    );
    assert.equal(count, 10_000);
    console.log(`fuzz: ${count} requests, statuses ${JSON.stringify(Object.fromEntries(statuses))}`);
    assert.ok(
      [...statuses.keys()].some((s) => s < 300),
      "some generated requests were valid and accepted",
    );
  });

  test("the store is consistent afterwards", async () => {
    for (const key of [a.testKey, a.liveKey, b.testKey]) {
      const list = await h.api("GET", "/v1/webhooks?limit=100", undefined, key);
      assert.equal(list.status, 200);
      assert.ok(list.body.data.length <= 20, "the endpoint limit held");
      const urls = list.body.data.map((e: { url: string }) => e.url);
      assert.equal(new Set(urls).size, urls.length, "URLs stayed unique");
      for (const e of list.body.data) {
        const one = await h.api("GET", `/v1/webhooks/${e.id}`, undefined, key);
        assert.equal(one.status, 200);
        assert.ok(Array.isArray(one.body.enabled_events) && one.body.enabled_events.length > 0);
        const d = await h.api("GET", `/v1/webhooks/${e.id}/deliveries?limit=100`, undefined, key);
        assert.equal(d.status, 200);
        for (const x of d.body.data) assert.ok(["pending", "succeeded", "failed", "cancelled"].includes(x.status));
      }
      const events = await h.api("GET", "/v1/events?limit=100", undefined, key);
      assert.equal(events.status, 200);
    }
  });
});
