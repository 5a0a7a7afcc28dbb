/**
 * `herald rotate-master-key` on a real data dir (SQLite) and a real
 * database (PostgreSQL): every secret survives, deliveries still verify with
 * the same `whsec_` secrets, the old key opens nothing, and a rotation cut
 * short at any step leaves a key that opens the store.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { Webhook } from "standardwebhooks";
import type { ServeFlags } from "../../src/config/config.js";
import { masterKeyFile, pendingMasterKeyFile, readKeyFile, writeKeyFile } from "../../src/secrets/master-key.js";
import { SecretBox } from "../../src/secrets/secret-box.js";
import { openPostgresStore } from "../../src/store/postgres/postgres-store.js";
import { openSqliteStore } from "../../src/store/sqlite/sqlite-store.js";
import type { Store } from "../../src/store/store.js";
import { runCli } from "../helpers/cli.js";
import { type LiveHerald, startHerald } from "../helpers/live-server.js";
import { type Receiver, startReceiver } from "../helpers/receiver.js";
import { createDatabase, TEST_DATABASE_URL, type TestDatabase } from "../store/postgres-databases.js";

type Json = any;

interface Setup {
  name: string;
  skip: string | null;
  /** Flags of a fresh store (a data dir, and a database for PostgreSQL). */
  create(): Promise<{
    flags: ServeFlags & { dataDir: string };
    cli: string[];
    open(): Promise<Store>;
    drop(): Promise<void>;
  }>;
}

const setups: Setup[] = [
  {
    name: "sqlite",
    skip: null,
    async create() {
      const dataDir = mkdtempSync(join(tmpdir(), "herald-rotate-"));
      return {
        flags: { dataDir },
        cli: ["--data-dir", dataDir],
        open: () => openSqliteStore(join(dataDir, "herald.db")),
        drop: async () => {},
      };
    },
  },
  {
    name: "postgres",
    skip: TEST_DATABASE_URL === undefined ? "HERALD_TEST_DATABASE_URL is not set" : null,
    async create() {
      const dataDir = mkdtempSync(join(tmpdir(), "herald-rotate-pg-"));
      const db: TestDatabase = await createDatabase(TEST_DATABASE_URL as string);
      return {
        flags: { dataDir, databaseUrl: db.url },
        cli: ["--data-dir", dataDir, "--database-url", db.url],
        open: () => openPostgresStore(db.url, { poolSize: 2 }),
        drop: () => db.drop(),
      };
    },
  },
];

const headersOf = (r: { headers: Record<string, unknown> }) => r.headers as Record<string, string>;

for (const setup of setups) {
  describe(`herald rotate-master-key (${setup.name})`, { skip: setup.skip ?? false }, () => {
    let env: Awaited<ReturnType<Setup["create"]>>;
    let receiver: Receiver;
    const adminToken = `hat_test_${randomBytes(8).toString("hex")}`;
    before(async () => {
      env = await setup.create();
      receiver = await startReceiver();
    });
    after(async () => {
      await receiver.close();
      await env.drop();
    });

    test("every secret survives; deliveries verify with the same whsec_ secrets; the old key opens nothing", async () => {
      let h: LiveHerald = await startHerald({ ...env.flags, adminToken });
      const acct = await h.account();
      const create = async (path: string, idempotencyKey?: string) => {
        const res = await h.api(
          "POST",
          "/v1/webhooks",
          { url: `${receiver.url}/${path}`, enabled_events: ["*"] },
          acct.testKey,
          idempotencyKey === undefined ? {} : { "idempotency-key": idempotencyKey },
        );
        assert.equal(res.status, 201, JSON.stringify(res.body));
        return res.body as Json;
      };
      const rotating = await create("a");
      const rot = await h.api("POST", `/v1/webhooks/${rotating.id}/rotate_secret`, { expires_in: 3600 }, acct.testKey);
      assert.equal(rot.status, 200);
      const plain = await create("b", "idem-1");
      await h.stop();

      const oldKey = readKeyFile(masterKeyFile(env.flags.dataDir));
      const run = await runCli(["rotate-master-key", ...env.cli]);
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, /Master key rotated: 3 endpoint secrets, 1 stored answers and 2 settings re-sealed/);
      const newKey = readKeyFile(masterKeyFile(env.flags.dataDir));
      assert.ok(!newKey.equals(oldKey));
      assert.equal(existsSync(pendingMasterKeyFile(env.flags.dataDir)), false);

      const store = await env.open();
      try {
        const scope = { accountId: acct.id, mode: "test" as const };
        const sealed = (await store.getEndpoint(scope, rotating.id))?.secrets ?? [];
        assert.equal(sealed.length, 2);
        const opened = sealed.map((s) => new SecretBox(newKey).open(s.ciphertext));
        assert.deepEqual(opened.sort(), [rotating.secret, rot.body.secret].sort());
        for (const s of sealed) assert.throws(() => new SecretBox(oldKey).open(s.ciphertext));
        const operatorSecret = (await store.getSetting("operator_webhook_secret")) as string;
        assert.throws(() => new SecretBox(oldKey).open(operatorSecret));
        assert.match(new SecretBox(newKey).open(operatorSecret), /^whsec_/);
      } finally {
        await store.close();
      }

      h = await startHerald({ ...env.flags, adminToken });
      try {
        const seen = receiver.received.length;
        const ev = await h.api(
          "POST",
          "/v1/events",
          { type: "payment.succeeded", data: { object: { id: "pay_1" } } },
          acct.testKey,
        );
        assert.equal(ev.status, 202);
        const got = (await receiver.waitFor(seen + 2)).slice(seen);
        const to = (path: string) => got.find((r) => r.path === `/${path}`);
        const a = to("a");
        const b = to("b");
        assert.ok(a && b);
        for (const secret of [rotating.secret, rot.body.secret]) {
          assert.equal((new Webhook(secret).verify(a.body, headersOf(a)) as Json).id, ev.body.id);
        }
        assert.equal((new Webhook(plain.secret).verify(b.body, headersOf(b)) as Json).id, ev.body.id);
        // The stored idempotent answer was re-sealed too: the replay still shows the secret.
        const replay = await h.api(
          "POST",
          "/v1/webhooks",
          { url: `${receiver.url}/b`, enabled_events: ["*"] },
          acct.testKey,
          { "idempotency-key": "idem-1" },
        );
        assert.equal(replay.status, 201);
        assert.equal(replay.headers["idempotent-replayed"], "true");
        assert.equal(replay.body.secret, plain.secret);
        if (setup.name === "sqlite") {
          const refused = await runCli(["rotate-master-key", ...env.cli]);
          assert.notEqual(refused.code, 0);
          assert.match(refused.stderr, /Another Herald \(pid \d+\) is using the data dir/);
          assert.ok(readKeyFile(masterKeyFile(env.flags.dataDir)).equals(newKey), "the refused run changed nothing");
        }
      } finally {
        await h.stop();
      }
    });

    test("cut short after the commit, before the rename: the next start installs the new key", async () => {
      const store = await env.open();
      const current = readKeyFile(masterKeyFile(env.flags.dataDir));
      const next = randomBytes(32);
      writeKeyFile(pendingMasterKeyFile(env.flags.dataDir), next);
      const oldBox = new SecretBox(current);
      const newBox = new SecretBox(next);
      await store.resealSecrets((s) => newBox.seal(oldBox.open(s)));
      await store.close();

      const h = await startHerald({ ...env.flags, adminToken });
      try {
        assert.ok(readKeyFile(masterKeyFile(env.flags.dataDir)).equals(next));
        assert.equal(existsSync(pendingMasterKeyFile(env.flags.dataDir)), false);
        const list = await h.api("GET", "/v1/accounts");
        assert.equal(list.status, 200);
      } finally {
        await h.stop();
      }
    });

    test("cut short before the commit: the next start keeps the old key and drops the unused one", async () => {
      const current = readKeyFile(masterKeyFile(env.flags.dataDir));
      writeKeyFile(pendingMasterKeyFile(env.flags.dataDir), randomBytes(32));
      const h = await startHerald({ ...env.flags, adminToken });
      try {
        assert.ok(readKeyFile(masterKeyFile(env.flags.dataDir)).equals(current));
        assert.equal(existsSync(pendingMasterKeyFile(env.flags.dataDir)), false);
      } finally {
        await h.stop();
      }
    });
  });
}

describe("herald rotate-master-key with HERALD_MASTER_KEY", () => {
  test("writes the new key to --new-key-file (required), and the store opens with it only", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "herald-rotate-env-"));
    const oldKey = randomBytes(32).toString("base64");
    const adminToken = `hat_test_${randomBytes(8).toString("hex")}`;
    let h = await startHerald({ dataDir, adminToken }, { env: { HERALD_MASTER_KEY: oldKey } });
    const acct = await h.account();
    const ep = await h.api(
      "POST",
      "/v1/webhooks",
      { url: "http://127.0.0.1:9/x", enabled_events: ["*"] },
      acct.testKey,
    );
    assert.equal(ep.status, 201);
    await h.stop();
    assert.equal(existsSync(masterKeyFile(dataDir)), false, "the key lives in the environment only");

    const without = await runCli(["rotate-master-key", "--data-dir", dataDir], { HERALD_MASTER_KEY: oldKey });
    assert.notEqual(without.code, 0);
    assert.match(without.stderr, /--new-key-file/);

    const keyFile = join(mkdtempSync(join(tmpdir(), "herald-newkey-")), "new.key");
    const run = await runCli(["rotate-master-key", "--data-dir", dataDir, "--new-key-file", keyFile], {
      HERALD_MASTER_KEY: oldKey,
    });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /set HERALD_MASTER_KEY/);
    const newKey = readFileSync(keyFile, "utf8").trim();
    await assert.rejects(
      startHerald({ dataDir, adminToken }, { env: { HERALD_MASTER_KEY: oldKey } }),
      /cannot open the store's secrets/,
    );
    h = await startHerald({ dataDir, adminToken }, { env: { HERALD_MASTER_KEY: newKey } });
    try {
      const got = await h.api("GET", `/v1/webhooks/${ep.body.id}`, undefined, acct.testKey);
      assert.equal(got.status, 200);
    } finally {
      await h.stop();
    }
  });
});
