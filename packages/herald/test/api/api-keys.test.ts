/**
 * Secret keys revoked and rolled through the operator routes, and the
 * audit log of who changed what, on every backend.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { buildApp } from "../../src/api/app.js";
import { hashSecret } from "../../src/secrets/api-key.js";
import { type ApiHarness, endpointBody, errorOf, type Json, startApi } from "../helpers/harness.js";
import { eventually } from "../helpers/live-server.js";
import { backends } from "../store/backends.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

for (const backend of backends) {
  describe(`API keys and the audit log (${backend.name})`, { skip: backend.skip ?? false }, () => {
    let h: ApiHarness;
    before(async () => {
      h = await startApi({}, backend);
    });
    after(() => h.close());

    async function newKey(accountId: string, mode: "test" | "live"): Promise<{ id: string; secret: string }> {
      const res = await h.api("POST", `/v1/accounts/${accountId}/api_keys`, { mode });
      assert.equal(res.status, 201);
      return { id: res.body.id, secret: res.body.secret };
    }
    const works = async (secret: string) => (await h.api("GET", "/v1/webhooks", undefined, secret)).status;

    test("the key list is newest first, shows revocation and expiry, never a secret", async () => {
      const acct = await h.account();
      const extra = await newKey(acct.id, "live");
      const res = await h.api("GET", `/v1/accounts/${acct.id}/api_keys?limit=2`);
      assert.equal(res.status, 200);
      assert.equal(res.body.object, "list");
      assert.equal(res.body.has_more, true);
      assert.equal(res.body.data[0].id, extra.id);
      assert.deepEqual(Object.keys(res.body.data[0]).sort(), [
        "created",
        "expires_at",
        "id",
        "mode",
        "object",
        "revoked",
        "revoked_at",
      ]);
      assert.doesNotMatch(res.text, /sk_(test|live)_/);
      const rest = await h.api("GET", `/v1/accounts/${acct.id}/api_keys?starting_after=${res.body.data[1].id}`);
      assert.equal(rest.body.data.length, 1);
      assert.equal(rest.body.has_more, false);
      assert.equal((await h.api("GET", "/v1/accounts/acct_nope/api_keys")).status, 404);
      assert.equal((await h.api("GET", `/v1/accounts/${acct.id}/api_keys`, undefined, acct.testKey)).status, 401);
    });

    test("a revoked key is refused by the very next request; the account's other keys keep working", async () => {
      const acct = await h.account();
      const key = await newKey(acct.id, "test");
      assert.equal(await works(key.secret), 200);
      const res = await h.api("DELETE", `/v1/accounts/${acct.id}/api_keys/${key.id}`);
      assert.equal(res.status, 200);
      assert.deepEqual(Object.keys(res.body).sort(), ["deleted", "id", "object", "revoked_at"]);
      assert.equal(res.body.deleted, true);
      const refused = await h.api("GET", "/v1/webhooks", undefined, key.secret);
      assert.equal(refused.status, 401);
      assert.equal(errorOf(refused).code, "invalid_api_key");
      assert.equal(await works(acct.testKey), 200);
      const listed = await h.api("GET", `/v1/accounts/${acct.id}/api_keys`);
      const shown = listed.body.data.find((k: Json) => k.id === key.id);
      assert.equal(shown.revoked, true);
      assert.equal(shown.revoked_at, res.body.revoked_at);
      // Revoking twice is harmless; another account's key id is not found.
      assert.equal((await h.api("DELETE", `/v1/accounts/${acct.id}/api_keys/${key.id}`)).status, 200);
      const other = await h.account();
      assert.equal((await h.api("DELETE", `/v1/accounts/${other.id}/api_keys/${key.id}`)).status, 404);
      assert.equal((await h.api("DELETE", `/v1/accounts/${acct.id}/api_keys/key_nope`)).status, 404);
    });

    test("rolling makes a new key of the same mode; by default the old one dies at once", async () => {
      const acct = await h.account();
      const old = await newKey(acct.id, "live");
      const res = await h.api("POST", `/v1/accounts/${acct.id}/api_keys/${old.id}/roll`, {});
      assert.equal(res.status, 200);
      assert.match(res.body.secret, /^sk_live_/);
      assert.equal(res.body.mode, "live");
      assert.notEqual(res.body.id, old.id);
      assert.equal(await works(res.body.secret), 200);
      const refused = await h.api("GET", "/v1/webhooks", undefined, old.secret);
      assert.equal(refused.status, 401);
      assert.equal(errorOf(refused).code, "invalid_api_key");
      // No body at all is the default too.
      const fresh = await newKey(acct.id, "test");
      const bare = await h.api("POST", `/v1/accounts/${acct.id}/api_keys/${fresh.id}/roll`);
      assert.equal(bare.status, 200);
      assert.match(bare.body.secret, /^sk_test_/);
    });

    test("a key rolled with expires_in works until then, and not after", async () => {
      const acct = await h.account();
      const old = await newKey(acct.id, "test");
      const before = Math.floor(Date.now() / 1000);
      const res = await h.api("POST", `/v1/accounts/${acct.id}/api_keys/${old.id}/roll`, { expires_in: 1 });
      assert.equal(res.status, 200);
      assert.equal(await works(old.secret), 200, "the old key still works during the overlap");
      const listed = await h.api("GET", `/v1/accounts/${acct.id}/api_keys`);
      const shown = listed.body.data.find((k: Json) => k.id === old.id);
      assert.ok(shown.expires_at >= before && shown.expires_at <= before + 2, JSON.stringify(shown));
      await sleep(1100);
      assert.equal(await works(old.secret), 401);
      assert.equal(await works(res.body.secret), 200);
      // An expired key has nothing left to roll.
      const again = await h.api("POST", `/v1/accounts/${acct.id}/api_keys/${old.id}/roll`, {});
      assert.equal(again.status, 400);
      assert.equal(errorOf(again).code, "api_key_expired");
    });

    test("roll validates expires_in (0–7 days) and refuses revoked and foreign keys", async () => {
      const acct = await h.account();
      const key = await newKey(acct.id, "test");
      for (const expires_in of [604_801, -1, 1.5, "60"]) {
        const res = await h.api("POST", `/v1/accounts/${acct.id}/api_keys/${key.id}/roll`, { expires_in });
        assert.equal(res.status, 400, `expires_in ${expires_in}: ${res.text}`);
        assert.equal(errorOf(res).param, "expires_in");
      }
      const unknown = await h.api("POST", `/v1/accounts/${acct.id}/api_keys/${key.id}/roll`, { nope: 1 });
      assert.equal(unknown.status, 400);
      const other = await h.account();
      assert.equal((await h.api("POST", `/v1/accounts/${other.id}/api_keys/${key.id}/roll`, {})).status, 404);
      assert.equal(await works(key.secret), 200, "the refused rolls left the key alone");
      await h.api("DELETE", `/v1/accounts/${acct.id}/api_keys/${key.id}`);
      const revoked = await h.api("POST", `/v1/accounts/${acct.id}/api_keys/${key.id}/roll`, {});
      assert.equal(revoked.status, 400);
      assert.equal(errorOf(revoked).code, "api_key_revoked");
      const another = await newKey(acct.id, "test");
      const week = await h.api("POST", `/v1/accounts/${acct.id}/api_keys/${another.id}/roll`, { expires_in: 604_800 });
      assert.equal(week.status, 200);
      assert.equal(await works(another.secret), 200, "a week of overlap: the old key still works");
    });

    test("the audit log records who changed what, never a secret", async () => {
      const acct = await h.account();
      const keyId = (await h.api("GET", `/v1/accounts/${acct.id}/api_keys`)).body.data.find(
        (k: Json) => k.mode === "test",
      ).id;
      const created = await h.api("POST", "/v1/webhooks", endpointBody({ description: "first" }), acct.testKey);
      assert.equal(created.status, 201);
      const id = created.body.id;
      await h.api("PATCH", `/v1/webhooks/${id}`, { description: "second", metadata: { team: "pay" } }, acct.testKey);
      await h.api("PATCH", `/v1/webhooks/${id}`, { status: "disabled" }, acct.testKey);
      await h.api("PATCH", `/v1/webhooks/${id}`, { status: "enabled" }, acct.testKey);
      const rotated = await h.api("POST", `/v1/webhooks/${id}/rotate_secret`, { expires_in: 60 }, acct.testKey);
      assert.equal(rotated.status, 200);
      assert.equal((await h.api("DELETE", `/v1/webhooks/${id}`, undefined, acct.testKey)).status, 200);

      const log = await h.api("GET", "/v1/audit_log?limit=100", undefined, acct.testKey);
      assert.equal(log.status, 200);
      assert.equal(log.body.object, "list");
      const mine = log.body.data.filter((e: Json) => e.object_id === id);
      assert.deepEqual(
        mine.map((e: Json) => e.action),
        [
          "webhook_endpoint.deleted",
          "webhook_endpoint.secret_rotated",
          "webhook_endpoint.enabled",
          "webhook_endpoint.disabled",
          "webhook_endpoint.updated",
          "webhook_endpoint.created",
        ],
      );
      for (const e of mine) {
        assert.equal(e.actor, `api_key:${keyId}`);
        assert.equal(e.account, acct.id);
        assert.equal(e.livemode, false);
        assert.match(e.id, /^aud_/);
        assert.equal(e.object, "audit_log_entry");
        assert.equal(typeof e.created, "number");
      }
      assert.deepEqual(mine[4].details, { description: "second", metadata: { team: "pay" } });
      assert.deepEqual(mine[3].details, { status: "disabled", disabled_reason: "manual" });
      assert.equal(mine[5].details.description, "first");
      assert.deepEqual(mine[1].details, { expires_in: 60 });
      assert.doesNotMatch(log.text, /whsec_|sk_test_|sk_live_/);
      assert.ok(!log.text.includes(created.body.secret));

      // The live key sees none of the test-mode entries; account-wide ones are the operator's.
      const live = await h.api("GET", "/v1/audit_log", undefined, acct.liveKey);
      assert.ok(live.body.data.every((e: Json) => e.livemode === true));
      assert.ok(!live.text.includes(id));
      // A secret key cannot look at another account.
      const other = await h.account();
      const foreign = await h.api("GET", `/v1/audit_log?account=${other.id}`, undefined, acct.testKey);
      assert.equal(foreign.status, 400);
    });

    test("a change made through a dashboard session is logged with the actor `dashboard`", async () => {
      const acct = await h.account();
      const created = await h.api("POST", "/v1/webhooks", endpointBody(), acct.testKey);
      const link = await h.api("POST", `/v1/accounts/${acct.id}/dashboard_links`, { mode: "test" });
      const url = new URL(link.body.url);
      const login = await h.app.inject({ method: "GET", url: `${url.pathname}${url.search}` });
      const cookie = String(login.headers["set-cookie"]).split(";")[0] as string;
      const session = await h.app.inject({ method: "GET", url: "/v1/dashboard/session", headers: { cookie } });
      const csrf = JSON.parse(session.body).csrf_token as string;
      const patched = await h.app.inject({
        method: "PATCH",
        url: `/v1/webhooks/${created.body.id}`,
        headers: { cookie, "x-csrf-token": csrf, "content-type": "application/json" },
        payload: JSON.stringify({ status: "disabled" }),
      });
      assert.equal(patched.statusCode, 200, patched.body);
      const log = await h.api("GET", "/v1/audit_log", undefined, acct.testKey);
      const entry = log.body.data.find((e: Json) => e.action === "webhook_endpoint.disabled");
      assert.equal(entry?.actor, "dashboard");
      assert.equal(entry?.object_id, created.body.id);
    });

    test("the operator sees every account's entries, filters by account and pages", async () => {
      const a = await h.account({ name: "A" });
      const b = await h.account({ name: "B" });
      await h.api("PATCH", `/v1/accounts/${a.id}`, { plan: "business" });
      const all = await h.api("GET", "/v1/audit_log?limit=100");
      assert.equal(all.status, 200);
      assert.ok(all.body.data.some((e: Json) => e.account === a.id));
      assert.ok(all.body.data.some((e: Json) => e.account === b.id));
      const onlyA = await h.api("GET", `/v1/audit_log?account=${a.id}`);
      assert.ok(onlyA.body.data.every((e: Json) => e.account === a.id));
      // Newest first: the plan change, then the keys, then the account itself.
      assert.deepEqual(
        onlyA.body.data.map((e: Json) => e.action),
        ["account.updated", "api_key.created", "api_key.created", "account.created"],
      );
      assert.deepEqual(onlyA.body.data[0].details, { plan: "business" });
      assert.equal(onlyA.body.data[0].actor, "operator");
      assert.equal(onlyA.body.data[0].livemode, null);
      const page1 = await h.api("GET", `/v1/audit_log?account=${a.id}&limit=2`);
      assert.equal(page1.body.has_more, true);
      const page2 = await h.api("GET", `/v1/audit_log?account=${a.id}&limit=2&starting_after=${page1.body.data[1].id}`);
      assert.deepEqual(
        [...page1.body.data, ...page2.body.data].map((e: Json) => e.id),
        onlyA.body.data.map((e: Json) => e.id),
      );
      const back = await h.api("GET", `/v1/audit_log?account=${a.id}&limit=2&ending_before=${page2.body.data[0].id}`);
      assert.deepEqual(back.body.data, page1.body.data);
      assert.equal((await h.api("GET", "/v1/audit_log", undefined, null)).status, 401);
    });

    test("a key revoked through one process is refused at once by another on the same store", async () => {
      const second = await buildApp({
        store: h.store,
        secretBox: h.secretBox,
        adminTokenHash: hashSecret(h.adminToken),
        maxAttempts: 8,
        allowPrivateTargets: false,
        version: "0.0.0-test",
      });
      try {
        const acct = await h.account();
        const key = await newKey(acct.id, "test");
        const viaSecond = async () =>
          (
            await second.inject({
              method: "GET",
              url: "/v1/webhooks",
              headers: { authorization: `Bearer ${key.secret}` },
            })
          ).statusCode;
        assert.equal(await viaSecond(), 200);
        await h.api("DELETE", `/v1/accounts/${acct.id}/api_keys/${key.id}`);
        assert.equal(await viaSecond(), 401);
      } finally {
        await second.close();
      }
    });
  });
}

describe("a key revoked on one PostgreSQL process is refused by another within moments", {
  skip: backends[1]?.skip ?? false,
}, () => {
  test("two stores (two pools, as two processes) on one database", async () => {
    const group = await (backends[1]?.openMany?.(2) ?? Promise.reject(new Error("no openMany")));
    const [s1, s2] = group.stores;
    const a = await startApi({ store: s1 });
    const b = await startApi({ store: s2, secretBox: a.secretBox });
    try {
      const acct = await a.account();
      const keys = await a.api("GET", `/v1/accounts/${acct.id}/api_keys`);
      const testKeyId = keys.body.data.find((k: Json) => k.mode === "test").id;
      assert.equal((await b.api("GET", "/v1/webhooks", undefined, acct.testKey)).status, 200);
      assert.equal((await a.api("DELETE", `/v1/accounts/${acct.id}/api_keys/${testKeyId}`)).status, 200);
      // The revoking process refuses it at once; the other one as soon as the
      // commit's notification reaches it (it answers keys from memory while it
      // listens), well within the 5 s its cached entries could live otherwise.
      assert.equal((await a.api("GET", "/v1/webhooks", undefined, acct.testKey)).status, 401);
      const refused = await eventually(
        async () => {
          const r = await b.api("GET", "/v1/webhooks", undefined, acct.testKey);
          return r.status === 401 ? r : null;
        },
        2000,
        "the other process refusing the revoked key",
      );
      assert.equal(errorOf(refused).code, "invalid_api_key");
    } finally {
      await a.close();
      await b.close();
      await group.close();
    }
  });
});
