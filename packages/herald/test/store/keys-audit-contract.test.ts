/**
 * The Store contract for API key revocation and rolling, the audit log and
 * the master key re-seal, run against each backend.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { type AuditEntry, newAuditEntry } from "../../src/domain/audit.js";
import { ID_PREFIX, newId } from "../../src/domain/ids.js";
import type { ApiKey, Mode } from "../../src/domain/types.js";
import { SecretBox } from "../../src/secrets/secret-box.js";
import type { Store } from "../../src/store/store.js";
import { backends } from "./backends.js";
import { account, addEndpoint, T0 } from "./fixtures.js";

function entry(accountId: string, mode: Mode | null, objectId: string, created = T0): AuditEntry {
  return newAuditEntry(
    { accountId, mode, actor: "operator", action: "webhook_endpoint.updated", objectId, details: { url: "x" } },
    created,
  );
}

async function addKey(store: Store, accountId: string, mode: Mode, created: number): Promise<ApiKey> {
  const key: ApiKey = { id: newId(ID_PREFIX.apiKey), accountId, mode, created, revokedAt: null, expiresAt: null };
  await store.createApiKey(key, `hash-${key.id}`);
  return key;
}

for (const backend of backends) {
  describe(`store contract, keys and audit: ${backend.name}`, { skip: backend.skip ?? false }, () => {
    let store: Store;
    before(async () => {
      store = await backend.open();
    });
    after(async () => {
      await store.close();
    });

    test("listApiKeys pages newest first within one account", async () => {
      const a = await account(store);
      const b = await account(store);
      const keys: ApiKey[] = [];
      for (let i = 0; i < 5; i++) keys.push(await addKey(store, a, i % 2 === 0 ? "test" : "live", T0 + i * 1000));
      await addKey(store, b, "test", T0 + 10_000);
      const first = await store.listApiKeys(a, { limit: 2 });
      assert.deepEqual(
        first.data.map((k) => k.id),
        [keys[4]?.id, keys[3]?.id],
      );
      assert.equal(first.hasMore, true);
      const second = await store.listApiKeys(a, { limit: 10, startingAfter: keys[3]?.id as string });
      assert.deepEqual(
        second.data.map((k) => k.id),
        [keys[2]?.id, keys[1]?.id, keys[0]?.id],
      );
      assert.equal(second.hasMore, false);
      const back = await store.listApiKeys(a, { limit: 2, endingBefore: keys[1]?.id as string });
      assert.deepEqual(
        back.data.map((k) => k.id),
        [keys[3]?.id, keys[2]?.id],
      );
      assert.equal(back.hasMore, true);
      assert.deepEqual((await store.listApiKeys(a, { limit: 10, startingAfter: "key_unknown" })).data, []);
      assert.equal((await store.listApiKeys(b, { limit: 10 })).data.length, 1);
    });

    test("revokeApiKey revokes once, writes its entry in the same call, and is scoped to the account", async () => {
      const a = await account(store);
      const other = await account(store);
      const key = await addKey(store, a, "live", T0);
      assert.equal(await store.revokeApiKey(other, key.id, T0 + 5, (k) => entry(other, k.mode, k.id)), null);
      const revoked = await store.revokeApiKey(a, key.id, T0 + 10, (k) => entry(a, k.mode, k.id));
      assert.equal(revoked?.revokedAt, T0 + 10);
      assert.equal((await store.findApiKeyByHash(`hash-${key.id}`))?.revokedAt, T0 + 10);
      const again = await store.revokeApiKey(a, key.id, T0 + 20, (k) => entry(a, k.mode, k.id));
      assert.equal(again?.revokedAt, T0 + 10, "the first revocation time stays");
      const log = await store.listAuditLog({ accountId: a }, { limit: 10 });
      assert.equal(log.data.length, 1, "one entry: the second revoke changed nothing");
      assert.equal(log.data[0]?.objectId, key.id);
      assert.equal(log.data[0]?.mode, "live");
      assert.equal((await store.listAuditLog({ accountId: other }, { limit: 10 })).data.length, 0);
    });

    test("rollApiKey creates a key of the old key's mode and sets the old key's expiry; refuses revoked keys", async () => {
      const a = await account(store);
      const old = await addKey(store, a, "live", T0);
      const next = (mode: Mode, created: number) => ({
        key: { id: newId(ID_PREFIX.apiKey), accountId: a, mode, created, revokedAt: null, expiresAt: null },
        secretHash: `hash-${randomBytes(8).toString("hex")}`,
        audit: entry(a, mode, old.id, created),
      });
      let made: ReturnType<typeof next> | undefined;
      const rolled = await store.rollApiKey(a, old.id, T0 + 3_600_000, (k) => {
        made = next(k.mode, T0 + 1000);
        return made;
      });
      assert.ok(rolled && made);
      assert.equal(rolled.next.mode, "live");
      assert.equal(rolled.old.expiresAt, T0 + 3_600_000);
      assert.equal((await store.findApiKeyByHash(made.secretHash))?.id, rolled.next.id);
      // Rolling again with a later expiry keeps the earlier one.
      const twice = await store.rollApiKey(a, old.id, T0 + 7_200_000, (k) => next(k.mode, T0 + 2000));
      assert.equal(twice?.old.expiresAt, T0 + 3_600_000);
      assert.equal((await store.listAuditLog({ accountId: a }, { limit: 10 })).data.length, 2);
      // Another account's key id: null, nothing written.
      const other = await account(store);
      assert.equal(await store.rollApiKey(other, old.id, T0, (k) => next(k.mode, T0 + 3000)), null);
      await store.revokeApiKey(a, old.id, T0 + 4000, (k) => entry(a, k.mode, k.id));
      const before = (await store.listApiKeys(a, { limit: 100 })).data.length;
      await assert.rejects(
        store.rollApiKey(a, old.id, T0 + 9000, (k) => next(k.mode, T0 + 5000)),
        (err: { code?: string }) => err.code === "api_key_revoked",
      );
      assert.equal((await store.listApiKeys(a, { limit: 100 })).data.length, before, "the refused roll wrote nothing");
      // A rolled key past its expiry cannot be rolled again either.
      const expired = await addKey(store, a, "test", T0);
      await store.rollApiKey(a, expired.id, T0 + 10, (k) => next(k.mode, T0 + 10));
      await assert.rejects(
        store.rollApiKey(a, expired.id, T0 + 99_000, (k) => next(k.mode, T0 + 20)),
        (err: { code?: string }) => err.code === "api_key_expired",
      );
    });

    test("the audit log filters by account and mode and pages newest first", async () => {
      const a = await account(store);
      const b = await account(store);
      const entries = [
        entry(a, "test", "we_1", T0 + 1),
        entry(a, "live", "we_2", T0 + 2),
        entry(a, null, a, T0 + 3),
        entry(b, "test", "we_3", T0 + 4),
        entry(a, "test", "we_4", T0 + 5),
      ];
      await store.appendAudit(entries.slice(0, 2));
      await store.appendAudit(entries.slice(2));
      const all = await store.listAuditLog({ accountId: a }, { limit: 10 });
      assert.deepEqual(
        all.data.map((e) => e.objectId),
        ["we_4", a, "we_2", "we_1"],
      );
      assert.deepEqual(all.data[0], entries[4]);
      const test = await store.listAuditLog({ accountId: a, mode: "test" }, { limit: 1 });
      assert.deepEqual(
        test.data.map((e) => e.objectId),
        ["we_4"],
      );
      assert.equal(test.hasMore, true);
      const next = await store.listAuditLog(
        { accountId: a, mode: "test" },
        { limit: 1, startingAfter: test.data[0]?.id as string },
      );
      assert.deepEqual(
        next.data.map((e) => e.objectId),
        ["we_1"],
      );
      assert.equal(next.hasMore, false);
      const everyone = await store.listAuditLog({}, { limit: 100 });
      assert.ok(everyone.data.some((e) => e.accountId === b));
    });

    test("resealSecrets rewrites every sealed value in one go, or none when one fails", async () => {
      const oldBox = new SecretBox(randomBytes(32));
      const newBox = new SecretBox(randomBytes(32));
      const a = await account(store);
      const scope = { accountId: a, mode: "test" as const };
      const live = await addEndpoint(store, scope, {
        secrets: [
          { ciphertext: oldBox.seal("whsec_current"), expiresAt: null },
          { ciphertext: oldBox.seal("whsec_rotated_out"), expiresAt: T0 + 1000 },
        ],
      });
      const gone = await addEndpoint(store, scope, {
        secrets: [{ ciphertext: oldBox.seal("whsec_deleted"), expiresAt: null }],
      });
      await store.deleteEndpoint(scope, gone.id, T0);
      await store.setSetting("sealed_thing", oldBox.seal("operator-secret"));
      await store.setSetting("plain_thing", '{"not":"sealed"}');
      assert.equal((await store.beginIdempotent("s", "k", "h", Date.now())).state, "new");
      await store.completeIdempotent("s", "k", 201, oldBox.seal('{"id":"we_x"}'));
      // The backend's other endpoints from earlier tests carry the fixture's fake box: re-seal only this test's values.
      const ours = new Set<string>();
      const reseal = (sealed: string) => {
        let plain: string;
        try {
          plain = oldBox.open(sealed);
        } catch {
          return sealed;
        }
        ours.add(plain);
        return newBox.seal(plain);
      };

      // A failing reseal leaves everything as it was.
      await assert.rejects(
        store.resealSecrets(() => {
          throw new Error("boom");
        }),
        /boom/,
      );
      const unchanged = await store.getEndpoint(scope, live.id);
      assert.equal(oldBox.open(unchanged?.secrets[0]?.ciphertext as string), "whsec_current");

      const count = await store.resealSecrets(reseal);
      assert.ok(count.endpointSecrets >= 3);
      assert.ok(count.idempotentAnswers >= 1);
      assert.ok(count.settings >= 1);
      assert.deepEqual([...ours].sort(), [
        "operator-secret",
        "whsec_current",
        "whsec_deleted",
        "whsec_rotated_out",
        '{"id":"we_x"}',
      ]);
      const after = await store.getEndpoint(scope, live.id);
      assert.deepEqual(
        after?.secrets.map((s) => newBox.open(s.ciphertext)),
        ["whsec_current", "whsec_rotated_out"],
      );
      assert.equal(after?.secrets[1]?.expiresAt, T0 + 1000);
      assert.throws(() => oldBox.open(after?.secrets[0]?.ciphertext as string));
      assert.equal(newBox.open((await store.getSetting("sealed_thing")) as string), "operator-secret");
      assert.equal(await store.getSetting("plain_thing"), '{"not":"sealed"}');
      const replay = await store.beginIdempotent("s", "k", "h", Date.now());
      assert.equal(replay.state, "replay");
      assert.equal(replay.state === "replay" ? newBox.open(replay.body) : "", '{"id":"we_x"}');
    });
  });
}
