/**
 * Endpoints Herald disables itself (a 410 from the receiver) appear in the
 * audit log with the actor `herald`, on each store.
 */
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { eventually, type LiveHerald, startHerald } from "../helpers/live-server.js";
import { type Receiver, startReceiver, status } from "../helpers/receiver.js";
import { createDatabase, TEST_DATABASE_URL, type TestDatabase } from "../store/postgres-databases.js";
import { createEndpoint, emit } from "./flows.js";

type Json = any;

const stores = [
  { name: "sqlite", skip: null as string | null },
  { name: "postgres", skip: TEST_DATABASE_URL === undefined ? "HERALD_TEST_DATABASE_URL is not set" : null },
];

for (const s of stores) {
  describe(`audit log of endpoints Herald disables (${s.name})`, { skip: s.skip ?? false }, () => {
    let h: LiveHerald;
    let receiver: Receiver;
    let db: TestDatabase | null = null;
    before(async () => {
      receiver = await startReceiver(() => status(410));
      if (s.name === "postgres") db = await createDatabase(TEST_DATABASE_URL as string);
      h = await startHerald({
        dataDir: mkdtempSync(join(tmpdir(), "herald-audit-")),
        ...(db === null ? {} : { databaseUrl: db.url }),
      });
    });
    after(async () => {
      await h.stop();
      await receiver.close();
      await db?.drop();
    });

    test("a 410 disables the endpoint and the log says Herald did it", async () => {
      const acct = await h.account();
      const ep = await createEndpoint(h, acct.testKey, receiver.url);
      await emit(h, acct.testKey);
      const entry = await eventually(
        async () => {
          const log = await h.api("GET", "/v1/audit_log", undefined, acct.testKey);
          return (log.body.data as Json[]).find(
            (e) => e.object_id === ep.id && e.action === "webhook_endpoint.disabled",
          );
        },
        15_000,
        "the audit entry of the disable",
      );
      assert.equal(entry.actor, "herald");
      assert.deepEqual(entry.details, { status: "disabled", disabled_reason: "gone" });
      assert.equal(entry.livemode, false);
      const endpoint = await h.api("GET", `/v1/webhooks/${ep.id}`, undefined, acct.testKey);
      assert.equal(endpoint.body.status, "disabled");
    });
  });
}
