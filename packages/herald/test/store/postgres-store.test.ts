/**
 * What only the PostgreSQL backend has: its migration record, the prune
 * lock, and surviving connections the server drops. These reach into the
 * database directly, with a client of their own.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { Client } from "pg";
import { newAuditEntry } from "../../src/domain/audit.js";
import { ID_PREFIX, newId } from "../../src/domain/ids.js";
import type { Scope } from "../../src/domain/types.js";
import { PRUNE_LOCK } from "../../src/store/postgres/locks.js";
import { MIGRATIONS } from "../../src/store/postgres/migrations.js";
import { openPostgresStore, type PostgresStore } from "../../src/store/postgres/postgres-store.js";
import { eventually } from "../helpers/live-server.js";
import { account, addEndpoint, event, T0 } from "./fixtures.js";
import { createDatabase, TEST_DATABASE_URL, type TestDatabase } from "./postgres-databases.js";

const skip =
  TEST_DATABASE_URL === undefined ? "HERALD_TEST_DATABASE_URL is not set: PostgreSQL tests did not run" : false;

describe("postgres store", { skip }, () => {
  let db: TestDatabase;
  let store: PostgresStore;
  let sql: Client;
  before(async () => {
    db = await createDatabase(TEST_DATABASE_URL as string);
    store = await openPostgresStore(db.url, { poolSize: 4 });
    sql = new Client({ connectionString: db.url });
    await sql.connect();
  });
  after(async () => {
    await sql?.end();
    await store?.close();
    await db?.drop();
  });

  /** Ends the server side of every connection to this database with `application_name`, as a restart would. */
  async function killConnections(applicationName: string): Promise<number> {
    const r = await sql.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
       WHERE datname = current_database() AND application_name = $1 AND pid <> pg_backend_pid()`,
      [applicationName],
    );
    return r.rowCount ?? 0;
  }

  test("processes opening a fresh database at once record each migration once", async () => {
    const fresh = await createDatabase(TEST_DATABASE_URL as string);
    try {
      const opened = await Promise.all([1, 2, 3, 4].map(() => openPostgresStore(fresh.url, { poolSize: 1 })));
      await Promise.all(opened.map((s) => s.close()));
      const check = new Client({ connectionString: fresh.url });
      await check.connect();
      const r = await check.query("SELECT id FROM herald_migrations ORDER BY id").finally(() => check.end());
      assert.deepEqual(
        r.rows.map((x) => x.id),
        MIGRATIONS.map((_, i) => i + 1),
      );
    } finally {
      await fresh.drop();
    }
  });

  test("prune returns 0 while another process prunes", async () => {
    const s: Scope = { accountId: await account(store), mode: "test" };
    await addEndpoint(store, s, { enabledEvents: ["paywall.deleted"] });
    await store.ingestEvent({ event: event(s, "paywall.deleted", T0 - 40 * 86_400_000), maxAttempts: 1 });
    const claimed = await store.claimDeliveries({ owner: "p", limit: 10, now: T0, leaseMs: 1000 });
    await store.recordOutcomes(
      claimed.map((c) => ({
        deliveryId: c.delivery.id,
        endpointId: c.endpoint.id,
        leaseToken: c.leaseToken,
        gone: false,
        result: { kind: "failed" },
        attempt: {
          id: newId(ID_PREFIX.attempt),
          deliveryId: c.delivery.id,
          attemptedAt: T0,
          durationMs: 1,
          responseStatus: 500,
          responseBody: null,
          responseHeaders: null,
          error: "http_error",
          trigger: "scheduled",
        },
      })),
      { failingForMs: 5 * 86_400_000, minConsecutiveFailures: 20 },
      T0,
    );
    const cutoff = T0 - 30 * 86_400_000;
    await sql.query("BEGIN");
    try {
      await sql.query("SELECT pg_advisory_xact_lock($1)", [PRUNE_LOCK]);
      assert.equal(await store.prune(cutoff, 100), 0, "the lock is held elsewhere");
    } finally {
      await sql.query("ROLLBACK");
    }
    assert.equal(await store.prune(cutoff, 100), 1);
    assert.equal(Number((await sql.query("SELECT count(*) AS n FROM attempts")).rows[0].n), 0);
  });

  test("an item the database refuses fails alone; its batch commits", async () => {
    const s: Scope = { accountId: await account(store), mode: "test" };
    await addEndpoint(store, s, { enabledEvents: ["customer.deleted"] });
    const good = [1, 2, 3].map(() => event(s, "customer.deleted"));
    // PostgreSQL text cannot hold U+0000: the whole transaction fails.
    const bad = { ...event(s, "customer.deleted"), body: `{"a":"${String.fromCharCode(0)}"}` };
    const results = await Promise.allSettled(
      [...good, bad].map((e) => store.ingestEvent({ event: e, maxAttempts: 3 })),
    );
    assert.deepEqual(
      results.map((r) => r.status),
      ["fulfilled", "fulfilled", "fulfilled", "rejected"],
    );
    for (const e of good) assert.equal((await store.getEvent(s, e.id))?.body, e.body);
    assert.equal(await store.getEvent(s, bad.id), null);
  });

  test("the pool replaces connections the server dropped", async () => {
    await Promise.all([store.ping(), store.ping(), store.ping()]);
    assert.ok((await killConnections("herald")) > 0);
    // The dying connections report their end asynchronously; the engine's
    // claim loop backs off and retries in the same way.
    let ok = false;
    for (let i = 0; i < 20 && !ok; i++) {
      ok = await store.ping().then(
        () => true,
        () => false,
      );
      if (!ok) await new Promise((r) => setTimeout(r, 25));
    }
    assert.ok(ok, "queries work again");
    assert.equal(await store.countDue(0), 0);
  });

  test("onDue reconnects after its connection drops and calls the listener once", async () => {
    let calls = 0;
    let wake: () => void = () => {};
    const next = () =>
      new Promise<void>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error("the listener was not called within 5 s")), 5000);
        wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
    const stop = await store.onDue(() => {
      calls++;
      wake();
    });
    try {
      let called = next();
      assert.equal(await killConnections("herald-listen"), 1);
      await called;
      assert.equal(calls, 1, "one call after reconnecting: work may have become due meanwhile");
      called = next();
      const s: Scope = { accountId: await account(store), mode: "test" };
      await addEndpoint(store, s);
      await store.ingestEvent({ event: event(s, "payment.succeeded"), maxAttempts: 3 });
      await called;
      assert.equal(calls, 2, "and it listens again");
    } finally {
      await stop();
    }
  });

  test("a key cached by one process stops working when another revokes it, and sees the other's account change", async () => {
    const other = await openPostgresStore(db.url, { poolSize: 2 });
    try {
      const accountId = await account(store);
      const key = {
        id: newId(ID_PREFIX.apiKey),
        accountId,
        mode: "test" as const,
        created: T0,
        revokedAt: null,
        expiresAt: null,
      };
      const hash = `hash-${key.id}`;
      await store.createApiKey(key, hash);
      // Notifications of earlier writes empty the cache whenever they arrive: let them land first.
      await new Promise((r) => setTimeout(r, 300));
      assert.equal((await store.findKeyOwner(hash))?.key.revokedAt, null, "read once: cached from here on");
      // The row changes behind the cache's back (no notification): the cached answer stands.
      await sql.query("UPDATE accounts SET name = 'renamed outside Herald' WHERE id = $1", [accountId]);
      assert.notEqual((await store.findKeyOwner(hash))?.account.name, "renamed outside Herald", "served from memory");

      await other.revokeApiKey(accountId, key.id, T0 + 1, (k) =>
        newAuditEntry(
          { accountId, mode: k.mode, actor: "operator", action: "api_key.revoked", objectId: k.id, details: {} },
          T0 + 1,
        ),
      );
      await eventually(async () => ((await store.findKeyOwner(hash))?.key.revokedAt ?? null) !== null, 4000, "revoked");
      assert.equal((await other.findKeyOwner(hash))?.key.revokedAt, T0 + 1, "and at once where it was revoked");

      await other.updateAccount(accountId, { plan: "free" });
      await eventually(async () => (await store.findKeyOwner(hash))?.account.plan === "free", 4000, "plan");
    } finally {
      await other.close();
    }
  });

  test("a key cache that lost its notifications reads the database until they are back", async () => {
    const accountId = await account(store);
    const key = {
      id: newId(ID_PREFIX.apiKey),
      accountId,
      mode: "live" as const,
      created: T0,
      revokedAt: null,
      expiresAt: null,
    };
    const hash = `hash-${key.id}`;
    await store.createApiKey(key, hash);
    await store.findKeyOwner(hash);
    assert.equal(await killConnections("herald-listen-keys"), 1);
    // Revoked behind its back while it cannot hear: it must not answer from memory.
    await sql.query("UPDATE api_keys SET revoked_at = 42 WHERE id = $1", [key.id]);
    await eventually(async () => (await store.findKeyOwner(hash))?.key.revokedAt === 42, 4000, "read again");
  });
});
