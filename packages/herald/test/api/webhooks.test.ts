import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  type ApiHarness,
  endpointBody,
  errorOf,
  type Json,
  settleDue,
  startApi,
  type TestAccount,
} from "../helpers/harness.js";
import { backends } from "../store/backends.js";

for (const backend of backends) {
  describe(`webhooks API (${backend.name})`, { skip: backend.skip ?? false }, () => {
    let h: ApiHarness;
    let acct: TestAccount;
    before(async () => {
      h = await startApi({}, backend);
      acct = await h.account();
    });
    after(() => h.close());

    const create = (body: Record<string, unknown>, key = acct.testKey) => h.api("POST", "/v1/webhooks", body, key);
    /** A public IP literal: live mode accepts it without a DNS lookup. */
    const publicUrl = (path = Math.random().toString(36).slice(2)) => `https://93.184.215.14/${path}`;

    describe("POST /v1/webhooks", () => {
      test("creates an enabled endpoint and shows its whsec_ secret once", async () => {
        const body = endpointBody({
          enabled_events: ["payment.succeeded", "refund.*"],
          description: "Orders",
          metadata: { team: "billing" },
        });
        const res = await create(body);
        assert.equal(res.status, 201);
        const e = res.body;
        assert.match(e.id, /^we_/);
        assert.deepEqual(Object.keys(e).sort(), [
          "created",
          "description",
          "disabled_reason",
          "enabled_events",
          "id",
          "livemode",
          "max_in_flight",
          "metadata",
          "object",
          "rate_limit",
          "secret",
          "signature_header",
          "signature_scheme",
          "status",
          "timestamp_header",
          "updated",
          "url",
        ]);
        assert.equal(e.object, "webhook_endpoint");
        assert.equal(e.url, body.url);
        assert.deepEqual(e.enabled_events, ["payment.succeeded", "refund.*"]);
        assert.equal(e.status, "enabled");
        assert.equal(e.disabled_reason, null);
        assert.equal(e.description, "Orders");
        assert.deepEqual(e.metadata, { team: "billing" });
        assert.equal(e.signature_scheme, "standard");
        assert.equal(e.signature_header, null);
        assert.equal(e.rate_limit, null);
        assert.equal(e.livemode, false);
        assert.match(e.secret, /^whsec_[A-Za-z0-9+/]{43}=$/);

        const got = await h.api("GET", `/v1/webhooks/${e.id}`, undefined, acct.testKey);
        assert.equal(got.status, 200);
        assert.equal(got.body.secret, undefined);
        assert.ok(!got.text.includes(e.secret));
        const { secret, ...withoutSecret } = e;
        assert.deepEqual(got.body, withoutSecret);

        // Stored sealed: the box opens to the secret the user saw.
        const stored = await h.store.getEndpoint({ accountId: acct.id, mode: "test" }, e.id);
        assert.equal(stored?.secrets.length, 1);
        assert.notEqual(stored?.secrets[0]?.ciphertext, secret);
        assert.equal(h.secretBox.open(stored?.secrets[0]?.ciphertext ?? ""), secret);
      });

      test("defaults, optional fields and limits", async () => {
        const full = await create(
          endpointBody({ description: null, rate_limit: 50, max_in_flight: 4, enabled_events: ["*", "*"] }),
        );
        assert.equal(full.status, 201);
        assert.equal(full.body.description, null);
        assert.equal(full.body.rate_limit, 50);
        assert.equal(full.body.max_in_flight, 4);
        assert.deepEqual(full.body.enabled_events, ["*"], "duplicates dropped");
        const cases: [Record<string, unknown>, string, string][] = [
          [{ enabled_events: undefined }, "parameter_missing", "enabled_events"],
          [{ url: undefined }, "parameter_missing", "url"],
          [{ enabled_events: [] }, "parameter_invalid", "enabled_events"],
          [{ enabled_events: "*" }, "parameter_invalid", "enabled_events"],
          [{ enabled_events: ["payment.teleported"] }, "unknown_event_type", "enabled_events"],
          [{ enabled_events: ["nothing.*"] }, "unknown_event_type", "enabled_events"],
          [{ description: "d".repeat(1025) }, "parameter_invalid", "description"],
          [{ metadata: { a: 1 } }, "parameter_invalid", "metadata.a"],
          [
            { metadata: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, "v"])) },
            "parameter_invalid",
            "metadata",
          ],
          [{ metadata: { ["k".repeat(41)]: "v" } }, "parameter_invalid", "metadata"],
          [{ rate_limit: 0 }, "parameter_invalid", "rate_limit"],
          [{ rate_limit: 10_001 }, "parameter_invalid", "rate_limit"],
          [{ rate_limit: 1.5 }, "parameter_invalid", "rate_limit"],
          [{ max_in_flight: 1001 }, "parameter_invalid", "max_in_flight"],
          [{ signature_scheme: "md5" }, "parameter_invalid", "signature_scheme"],
          [{ secret: "whsec_mine" }, "parameter_unknown", "secret"],
          [{ status: "disabled" }, "parameter_unknown", "status"],
        ];
        for (const [over, code, param] of cases) {
          const body = endpointBody(over);
          for (const k of Object.keys(over)) if (over[k] === undefined) delete body[k];
          const res = await create(body);
          assert.equal(res.status, 400, JSON.stringify(over).slice(0, 80));
          assert.equal(errorOf(res).type, "invalid_request_error");
          assert.equal(errorOf(res).code, code, JSON.stringify(over).slice(0, 80));
          assert.equal(errorOf(res).param, param);
        }
      });

      test("signature schemes and their header names", async () => {
        const hmac = await create(endpointBody({ signature_scheme: "hmac" }));
        assert.equal(hmac.body.signature_scheme, "hmac");
        assert.equal(hmac.body.signature_header, "X-Webhook-Signature");
        assert.equal(hmac.body.timestamp_header, null);
        const named = await create(endpointBody({ signature_scheme: "hmac", signature_header: "Payment-Signature" }));
        assert.equal(named.body.signature_header, "Payment-Signature");
        const ts = await create(endpointBody({ signature_scheme: "hmac-timestamp" }));
        assert.equal(ts.body.signature_header, "X-Webhook-Signature");
        assert.equal(ts.body.timestamp_header, "X-Webhook-Timestamp");
        const stripe = await create(endpointBody({ signature_scheme: "stripe" }));
        assert.equal(stripe.body.signature_header, null);

        const refused: [Record<string, unknown>, string][] = [
          [{ signature_header: "X-Sig" }, "signature_header"],
          [{ signature_scheme: "stripe", timestamp_header: "X-Ts" }, "timestamp_header"],
          [{ signature_scheme: "hmac", timestamp_header: "X-Ts" }, "timestamp_header"],
          [{ signature_scheme: "hmac", signature_header: "Bad Header" }, "signature_header"],
          [{ signature_scheme: "hmac", signature_header: "Content-Type" }, "signature_header"],
          [
            { signature_scheme: "hmac-timestamp", signature_header: "X-A", timestamp_header: "x-a" },
            "timestamp_header",
          ],
        ];
        for (const [over, param] of refused) {
          const res = await create(endpointBody(over));
          assert.equal(res.status, 400, JSON.stringify(over));
          assert.equal(errorOf(res).param, param);
        }
      });

      test("URL rules in test mode: parseable http(s), no credentials, at most 2048 characters; loopback allowed", async () => {
        for (const url of ["http://127.0.0.1:3000/hook", "http://localhost:4242/webhooks", "https://10.0.0.7/x"]) {
          assert.equal((await create(endpointBody({ url }))).status, 201, url);
        }
        for (const url of [
          "not a url",
          "/relative/path",
          "ftp://example.com/x",
          "https://user:pw@example.com/x",
          "javascript:alert(1)",
        ]) {
          const res = await create(endpointBody({ url }));
          assert.equal(res.status, 400, url);
          assert.equal(errorOf(res).code, "url_invalid", url);
          assert.equal(errorOf(res).param, "url");
        }
        const long = await create(endpointBody({ url: `https://example.com/${"a".repeat(2030)}` }));
        assert.equal(long.status, 400);
        assert.equal(errorOf(long).param, "url");
      });

      test("URL rules in live mode: https only, no loopback, private, link-local or metadata targets", async () => {
        const http = await create({ url: "http://93.184.215.14/x", enabled_events: ["*"] }, acct.liveKey);
        assert.equal(http.status, 400);
        assert.equal(errorOf(http).code, "url_invalid");
        assert.match(errorOf(http).message, /Live endpoints must use https:\/\//);
        for (const url of [
          "https://127.0.0.1/x",
          "https://2130706433/x",
          "https://0x7f000001/x",
          "https://0177.0.0.1/x",
          "https://127.1/x",
          "https://0.0.0.0/x",
          "https://[::]/x",
          "https://[::1]/x",
          "https://[::ffff:7f00:1]/x",
          "https://[fe80::1]/x",
          "https://100.64.0.1/x",
          "https://[::ffff:127.0.0.1]/x",
          "https://localhost/x",
          "https://api.localhost/x",
          "https://169.254.169.254/latest/meta-data",
          "https://10.1.2.3/x",
          "https://192.168.1.10/x",
          "https://[fd00::1]/x",
        ]) {
          const res = await create({ url, enabled_events: ["*"] }, acct.liveKey);
          assert.equal(res.status, 400, url);
          assert.equal(errorOf(res).code, "url_not_allowed", url);
          assert.equal(errorOf(res).param, "url");
        }
        const ok = await create({ url: publicUrl(), enabled_events: ["*"] }, acct.liveKey);
        assert.equal(ok.status, 201);
        assert.equal(ok.body.livemode, true);
      });

      test("--allow-private-targets lets live endpoints use private addresses (still https)", async () => {
        const open = await startApi({ allowPrivateTargets: true });
        try {
          const a = await open.account();
          const res = await open.api(
            "POST",
            "/v1/webhooks",
            { url: "https://127.0.0.1:8443/x", enabled_events: ["*"] },
            a.liveKey,
          );
          assert.equal(res.status, 201);
          const http = await open.api(
            "POST",
            "/v1/webhooks",
            { url: "http://127.0.0.1:8080/x", enabled_events: ["*"] },
            a.liveKey,
          );
          assert.equal(errorOf(http).code, "url_invalid");
        } finally {
          await open.close();
        }
      });

      test("one URL per account and mode: 409 url_taken", async () => {
        const a = await h.account();
        const url = publicUrl("dup");
        assert.equal((await create({ url, enabled_events: ["*"] }, a.testKey)).status, 201);
        const dup = await create({ url, enabled_events: ["payment.succeeded"] }, a.testKey);
        assert.equal(dup.status, 409);
        assert.equal(errorOf(dup).type, "conflict");
        assert.equal(errorOf(dup).code, "url_taken");
        // Another mode and another account are other namespaces.
        assert.equal((await create({ url, enabled_events: ["*"] }, a.liveKey)).status, 201);
        assert.equal((await create({ url, enabled_events: ["*"] }, acct.testKey)).status, 201);
      });

      test("at most 20 endpoints per account and mode: the 21st is 400 endpoint_limit_reached", async () => {
        const a = await h.account();
        for (let i = 0; i < 20; i++) assert.equal((await create(endpointBody(), a.testKey)).status, 201);
        const res = await create(endpointBody(), a.testKey);
        assert.equal(res.status, 400);
        assert.equal(errorOf(res).code, "endpoint_limit_reached");
        assert.equal(
          (await create({ url: publicUrl(), enabled_events: ["*"] }, a.liveKey)).status,
          201,
          "live has its own 20",
        );
        // Deleting one frees a place.
        const list = await h.api("GET", "/v1/webhooks?limit=1", undefined, a.testKey);
        await h.api("DELETE", `/v1/webhooks/${list.body.data[0].id}`, undefined, a.testKey);
        assert.equal((await create(endpointBody(), a.testKey)).status, 201);
      });
    });

    describe("GET /v1/webhooks", () => {
      test("lists newest first with pagination, without secrets", async () => {
        const a = await h.account();
        const ids: string[] = [];
        for (let i = 0; i < 5; i++) ids.push((await create(endpointBody(), a.testKey)).body.id);
        const newest = [...ids].reverse();
        const first = await h.api("GET", "/v1/webhooks?limit=2", undefined, a.testKey);
        assert.equal(first.body.object, "list");
        assert.deepEqual(
          first.body.data.map((e: Json) => e.id),
          newest.slice(0, 2),
        );
        assert.equal(first.body.has_more, true);
        assert.ok(first.body.data.every((e: Json) => e.secret === undefined));
        const next = await h.api("GET", `/v1/webhooks?limit=2&starting_after=${newest[3]}`, undefined, a.testKey);
        assert.deepEqual(
          next.body.data.map((e: Json) => e.id),
          [newest[4]],
        );
        assert.equal(next.body.has_more, false);
        const prev = await h.api("GET", `/v1/webhooks?limit=2&ending_before=${newest[3]}`, undefined, a.testKey);
        assert.deepEqual(
          prev.body.data.map((e: Json) => e.id),
          [newest[1], newest[2]],
        );
        assert.equal(prev.body.has_more, true);
        const live = await h.api("GET", "/v1/webhooks", undefined, a.liveKey);
        assert.deepEqual(live.body.data, []);
      });

      test("another account's or mode's endpoint: 404", async () => {
        const other = await h.account();
        const mine = (await create(endpointBody())).body.id;
        for (const key of [other.testKey, other.liveKey, acct.liveKey]) {
          const res = await h.api("GET", `/v1/webhooks/${mine}`, undefined, key);
          assert.equal(res.status, 404);
          assert.equal(errorOf(res).type, "not_found");
          for (const [method, path, body] of [
            ["PATCH", `/v1/webhooks/${mine}`, { description: "hijack" }],
            ["DELETE", `/v1/webhooks/${mine}`, undefined],
            ["POST", `/v1/webhooks/${mine}/rotate_secret`, {}],
            ["POST", `/v1/webhooks/${mine}/test`, {}],
            ["POST", `/v1/webhooks/${mine}/recover`, { since: 0 }],
            ["GET", `/v1/webhooks/${mine}/deliveries`, undefined],
          ] as const) {
            assert.equal((await h.api(method, path, body, key)).status, 404, `${method} ${path}`);
          }
        }
        const still = await h.api("GET", `/v1/webhooks/${mine}`, undefined, acct.testKey);
        assert.equal(still.body.description, null);

        // And a test key never sees a live endpoint.
        const live = (await create({ url: publicUrl(), enabled_events: ["*"] }, acct.liveKey)).body.id;
        assert.equal((await h.api("GET", `/v1/webhooks/${live}`, undefined, acct.testKey)).status, 404);
        assert.equal((await h.api("PATCH", `/v1/webhooks/${live}`, { status: "disabled" }, acct.testKey)).status, 404);
        assert.equal((await h.api("GET", `/v1/webhooks/${live}`, undefined, acct.liveKey)).body.status, "enabled");
      });
    });

    describe("PATCH /v1/webhooks/:id", () => {
      test("updates fields, keeps the secret, and ignores nothing silently", async () => {
        const created = (await create(endpointBody({ metadata: { a: "1" } }))).body;
        const url = `http://127.0.0.1:9/patched-${Math.random()}`;
        const res = await h.api(
          "PATCH",
          `/v1/webhooks/${created.id}`,
          {
            url,
            enabled_events: ["customer.created"],
            description: "New",
            metadata: { b: "2" },
            rate_limit: 5,
            max_in_flight: 2,
          },
          acct.testKey,
        );
        assert.equal(res.status, 200);
        assert.equal(res.body.url, url);
        assert.deepEqual(res.body.enabled_events, ["customer.created"]);
        assert.equal(res.body.description, "New");
        assert.deepEqual(res.body.metadata, { b: "2" });
        assert.equal(res.body.rate_limit, 5);
        assert.equal(res.body.max_in_flight, 2);
        assert.equal(res.body.secret, undefined);
        const cleared = await h.api(
          "PATCH",
          `/v1/webhooks/${created.id}`,
          { description: null, rate_limit: null },
          acct.testKey,
        );
        assert.equal(cleared.body.description, null);
        assert.equal(cleared.body.rate_limit, null);
        const stored = await h.store.getEndpoint({ accountId: acct.id, mode: "test" }, created.id);
        assert.equal(h.secretBox.open(stored?.secrets[0]?.ciphertext ?? ""), created.secret);

        for (const [body, param] of [
          [{ enabled_events: ["nope.nope"] }, "enabled_events"],
          [{ status: "paused" }, "status"],
          [{ url: "ftp://x" }, "url"],
          [{ signature_scheme: "hmac" }, "signature_scheme"],
        ] as const) {
          const bad = await h.api("PATCH", `/v1/webhooks/${created.id}`, body, acct.testKey);
          assert.equal(bad.status, 400, JSON.stringify(body));
          assert.equal(errorOf(bad).param, param);
        }
      });

      test("URL rules apply to the new URL: live http, live loopback, taken", async () => {
        const live = (await create({ url: publicUrl(), enabled_events: ["*"] }, acct.liveKey)).body;
        const http = await h.api("PATCH", `/v1/webhooks/${live.id}`, { url: "http://93.184.215.14/x" }, acct.liveKey);
        assert.equal(errorOf(http).code, "url_invalid");
        const loop = await h.api("PATCH", `/v1/webhooks/${live.id}`, { url: "https://[::1]/x" }, acct.liveKey);
        assert.equal(errorOf(loop).code, "url_not_allowed");
        const other = (await create({ url: publicUrl(), enabled_events: ["*"] }, acct.liveKey)).body;
        const taken = await h.api("PATCH", `/v1/webhooks/${live.id}`, { url: other.url }, acct.liveKey);
        assert.equal(taken.status, 409);
        assert.equal(errorOf(taken).code, "url_taken");
      });

      test("disabling sets disabled_reason manual and cancels pending deliveries; enabling clears it", async () => {
        const a = await h.account();
        const e = (await create(endpointBody(), a.testKey)).body;
        const evt = await h.api("POST", "/v1/events", { type: "payment.succeeded", data: { object: {} } }, a.testKey);
        const before = await h.api("GET", `/v1/deliveries?event_id=${evt.body.id}`, undefined, a.testKey);
        assert.equal(before.body.data[0].status, "pending");

        const off = await h.api("PATCH", `/v1/webhooks/${e.id}`, { status: "disabled" }, a.testKey);
        assert.equal(off.body.status, "disabled");
        assert.equal(off.body.disabled_reason, "manual");
        const after = await h.api("GET", `/v1/deliveries/${before.body.data[0].id}`, undefined, a.testKey);
        assert.equal(after.body.status, "cancelled");
        assert.equal(after.body.next_attempt_at, null);

        const on = await h.api("PATCH", `/v1/webhooks/${e.id}`, { status: "enabled" }, a.testKey);
        assert.equal(on.body.status, "enabled");
        assert.equal(on.body.disabled_reason, null);
        assert.equal(
          (await h.api("GET", `/v1/deliveries/${before.body.data[0].id}`, undefined, a.testKey)).body.status,
          "cancelled",
        );
      });
    });

    describe("DELETE /v1/webhooks/:id", () => {
      test("deletes: GET then answers 404, its pending deliveries stop, its log stays", async () => {
        const a = await h.account();
        const e = (await create(endpointBody(), a.testKey)).body;
        const evt = await h.api("POST", "/v1/events", { type: "payment.succeeded", data: { object: {} } }, a.testKey);
        const res = await h.api("DELETE", `/v1/webhooks/${e.id}`, undefined, a.testKey);
        assert.equal(res.status, 200);
        assert.deepEqual(res.body, { id: e.id, object: "webhook_endpoint", deleted: true });
        assert.equal((await h.api("GET", `/v1/webhooks/${e.id}`, undefined, a.testKey)).status, 404);
        assert.equal((await h.api("DELETE", `/v1/webhooks/${e.id}`, undefined, a.testKey)).status, 404);
        assert.equal((await h.api("GET", "/v1/webhooks", undefined, a.testKey)).body.data.length, 0);
        const deliveries = await h.api("GET", `/v1/deliveries?event_id=${evt.body.id}`, undefined, a.testKey);
        assert.equal(deliveries.body.data.length, 1);
        assert.equal(deliveries.body.data[0].status, "cancelled");
        // The URL is free again.
        assert.equal((await create({ url: e.url, enabled_events: ["*"] }, a.testKey)).status, 201);
      });
    });

    describe("POST /v1/webhooks/:id/rotate_secret", () => {
      test("issues a new secret; the old one keeps signing until expires_in (default one day)", async () => {
        const e = (await create(endpointBody())).body;
        const t0 = Date.now();
        const res = await h.api("POST", `/v1/webhooks/${e.id}/rotate_secret`, {}, acct.testKey);
        assert.equal(res.status, 200);
        assert.match(res.body.secret, /^whsec_/);
        assert.notEqual(res.body.secret, e.secret);
        assert.equal(res.body.id, e.id);
        const stored = await h.store.getEndpoint({ accountId: acct.id, mode: "test" }, e.id);
        assert.equal(stored?.secrets.length, 2);
        const [current, old] = stored?.secrets ?? [];
        assert.equal(h.secretBox.open(current?.ciphertext ?? ""), res.body.secret);
        assert.equal(current?.expiresAt, null);
        assert.equal(h.secretBox.open(old?.ciphertext ?? ""), e.secret);
        assert.ok(Math.abs((old?.expiresAt ?? 0) - (t0 + 86_400_000)) < 5000);
        assert.equal((await h.api("GET", `/v1/webhooks/${e.id}`, undefined, acct.testKey)).body.secret, undefined);

        const custom = await h.api("POST", `/v1/webhooks/${e.id}/rotate_secret`, { expires_in: 60 }, acct.testKey);
        const after = await h.store.getEndpoint({ accountId: acct.id, mode: "test" }, e.id);
        assert.equal(after?.secrets.length, 3);
        assert.equal(h.secretBox.open(after?.secrets[0]?.ciphertext ?? ""), custom.body.secret);
        assert.ok(Math.abs((after?.secrets[1]?.expiresAt ?? 0) - (Date.now() + 60_000)) < 5000);
        assert.equal(after?.secrets[2]?.expiresAt, old?.expiresAt, "an older expiry is kept");
      });

      test("expires_in 0 retires the old secrets at once", async () => {
        const e = (await create(endpointBody())).body;
        await h.api("POST", `/v1/webhooks/${e.id}/rotate_secret`, {}, acct.testKey);
        const res = await h.api("POST", `/v1/webhooks/${e.id}/rotate_secret`, { expires_in: 0 }, acct.testKey);
        assert.equal(res.status, 200);
        const stored = await h.store.getEndpoint({ accountId: acct.id, mode: "test" }, e.id);
        assert.equal(stored?.secrets.length, 1);
        assert.equal(h.secretBox.open(stored?.secrets[0]?.ciphertext ?? ""), res.body.secret);
      });

      test("expires_in is 0–604800 seconds", async () => {
        const e = (await create(endpointBody())).body;
        for (const expires_in of [-1, 604_801, "60", 1.5]) {
          const res = await h.api("POST", `/v1/webhooks/${e.id}/rotate_secret`, { expires_in }, acct.testKey);
          assert.equal(res.status, 400, String(expires_in));
          assert.equal(errorOf(res).param, "expires_in");
        }
        assert.equal((await h.api("POST", "/v1/webhooks/we_nope/rotate_secret", {}, acct.testKey)).status, 404);
      });
    });

    describe("POST /v1/webhooks/:id/test", () => {
      test("sends a realistic sample to this endpoint only", async () => {
        const a = await h.account();
        const target = (await create(endpointBody({ enabled_events: ["refund.*", "refund.created"] }), a.testKey)).body;
        const bystander = (await create(endpointBody({ enabled_events: ["*"] }), a.testKey)).body;
        const res = await h.api("POST", `/v1/webhooks/${target.id}/test`, {}, a.testKey);
        assert.equal(res.status, 202);
        assert.equal(res.body.object, "event");
        assert.equal(res.body.type, "refund.created", "the first exact type");
        assert.equal(res.body.livemode, false);
        assert.match(res.body.data.object.id, /^re_/);
        const deliveries = await h.api("GET", `/v1/deliveries?event_id=${res.body.id}`, undefined, a.testKey);
        assert.deepEqual(
          deliveries.body.data.map((d: Json) => d.endpoint_id),
          [target.id],
        );
        assert.notEqual(bystander.id, target.id);
        assert.equal((await h.api("GET", `/v1/events/${res.body.id}`, undefined, a.testKey)).text, res.text);

        const typed = await h.api("POST", `/v1/webhooks/${target.id}/test`, { type: "customer.created" }, a.testKey);
        assert.equal(typed.body.type, "customer.created");
        assert.match(typed.body.data.object.id, /^cus_/);
        const wildcard = (await create(endpointBody({ enabled_events: ["*"] }), a.testKey)).body;
        const fallback = await h.api("POST", `/v1/webhooks/${wildcard.id}/test`, undefined, a.testKey);
        assert.equal(fallback.body.type, "payment.succeeded");
      });

      test("unknown type 400, disabled endpoint 409 endpoint_disabled", async () => {
        const e = (await create(endpointBody())).body;
        const bad = await h.api("POST", `/v1/webhooks/${e.id}/test`, { type: "nope.nope" }, acct.testKey);
        assert.equal(bad.status, 400);
        assert.equal(errorOf(bad).code, "unknown_event_type");
        await h.api("PATCH", `/v1/webhooks/${e.id}`, { status: "disabled" }, acct.testKey);
        const off = await h.api("POST", `/v1/webhooks/${e.id}/test`, {}, acct.testKey);
        assert.equal(off.status, 409);
        assert.equal(errorOf(off).code, "endpoint_disabled");
      });

      test("live endpoints can be tested too; the sample is a live event", async () => {
        const e = (await create({ url: publicUrl(), enabled_events: ["payment.failed"] }, acct.liveKey)).body;
        const res = await h.api("POST", `/v1/webhooks/${e.id}/test`, {}, acct.liveKey);
        assert.equal(res.status, 202);
        assert.equal(res.body.livemode, true);
        assert.equal(res.body.type, "payment.failed");
      });
    });

    describe("POST /v1/webhooks/:id/recover and GET /v1/webhooks/:id/deliveries", () => {
      test("re-sends failed deliveries since a time; lists this endpoint's deliveries by status", async () => {
        const a = await h.account();
        const e = (await create(endpointBody({ enabled_events: ["payment.failed"] }), a.testKey)).body;
        const since = Math.floor(Date.now() / 1000) - 1;
        for (let i = 0; i < 2; i++) {
          await h.api("POST", "/v1/events", { type: "payment.failed", data: { object: {} } }, a.testKey);
        }
        await settleDue(h.store, "failed");
        const failed = await h.api("GET", `/v1/webhooks/${e.id}/deliveries?status=failed`, undefined, a.testKey);
        assert.equal(failed.status, 200);
        assert.equal(failed.body.data.length, 2);
        assert.ok(failed.body.data.every((d: Json) => d.endpoint_id === e.id && d.attempts === undefined));

        const res = await h.api("POST", `/v1/webhooks/${e.id}/recover`, { since }, a.testKey);
        assert.equal(res.status, 202);
        assert.deepEqual(res.body, { object: "recovery", count: 2 });
        const pending = await h.api("GET", `/v1/webhooks/${e.id}/deliveries?status=pending`, undefined, a.testKey);
        assert.equal(pending.body.data.length, 2);
        assert.equal(
          (await h.api("GET", `/v1/webhooks/${e.id}/deliveries?limit=1`, undefined, a.testKey)).body.has_more,
          true,
        );
        const again = await h.api("POST", `/v1/webhooks/${e.id}/recover`, { since }, a.testKey);
        assert.equal(again.body.count, 0, "nothing failed any more");
      });

      test("since in the future or missing: 400; unknown endpoint 404; bad status filter 400", async () => {
        const e = (await create(endpointBody())).body;
        const future = await h.api(
          "POST",
          `/v1/webhooks/${e.id}/recover`,
          { since: Math.floor(Date.now() / 1000) + 3600 },
          acct.testKey,
        );
        assert.equal(future.status, 400);
        assert.equal(errorOf(future).param, "since");
        const missing = await h.api("POST", `/v1/webhooks/${e.id}/recover`, {}, acct.testKey);
        assert.equal(errorOf(missing).code, "parameter_missing");
        assert.equal((await h.api("POST", "/v1/webhooks/we_nope/recover", { since: 0 }, acct.testKey)).status, 404);
        const status = await h.api("GET", `/v1/webhooks/${e.id}/deliveries?status=lost`, undefined, acct.testKey);
        assert.equal(status.status, 400);
        assert.equal(errorOf(status).param, "status");
        await h.api("PATCH", `/v1/webhooks/${e.id}`, { status: "disabled" }, acct.testKey);
        const off = await h.api("POST", `/v1/webhooks/${e.id}/recover`, { since: 0 }, acct.testKey);
        assert.equal(off.status, 409);
        assert.equal(errorOf(off).code, "endpoint_disabled");
      });
    });
  });
}
