/**
 * Parking (SQLite, the only store that parks): a delivery the local
 * worker declines at ingest waits outside the due queue until the worker
 * takes it back, and a restart makes it due again.
 */
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { openSqliteStore, type SqliteStore } from "../../src/store/sqlite/sqlite-store.js";
import { account, addEndpoint, event, T0 } from "./fixtures.js";

async function fresh(): Promise<SqliteStore> {
  return openSqliteStore(join(mkdtempSync(join(tmpdir(), "herald-park-")), "herald.db"));
}

describe("parked deliveries (sqlite)", () => {
  test("a declined delivery is not claimable, counts as due, and comes back through claimParked", async () => {
    const store = await fresh();
    const scope = { accountId: await account(store), mode: "test" as const };
    const slow = await addEndpoint(store, scope);
    const healthy = await addEndpoint(store, scope);
    const leaseTo = { owner: "w1", leaseMs: 30_000, accepts: (id: string) => id !== slow.id };
    const first = await store.ingestEvent({ event: event(scope), maxAttempts: 3, leaseTo });
    const second = await store.ingestEvent({ event: event(scope, "payment.failed", T0 + 1), maxAttempts: 3, leaseTo });
    // The healthy endpoint's deliveries were handed over; the slow one's parked.
    assert.deepEqual(
      [...first.claimed, ...second.claimed].map((c) => c.endpoint.id),
      [healthy.id, healthy.id],
    );
    const now = T0 + 10_000;
    assert.deepEqual(await store.claimDeliveries({ owner: "w2", limit: 10, now, leaseMs: 30_000 }), []);
    assert.equal(await store.countDue(now), 2, "parked deliveries are due work in the queue depth");
    assert.equal(await store.oldestDueAt(now), T0, "due since they were created");
    const parked = first.deliveries.find((d) => d.endpointId === slow.id);
    assert.ok(parked !== undefined);
    const shown = await store.getDelivery(scope, parked.id);
    assert.equal(shown?.status, "pending");
    assert.equal(shown?.nextAttemptAt, T0, "shown as due since its creation, not at the parking sentinel");

    const back = await store.claimParked({ owner: "w1", endpointId: slow.id, limit: 1, now, leaseMs: 30_000 });
    assert.deepEqual(
      back.map((c) => c.delivery.eventId),
      [first.event.id],
      "oldest first, at most the limit",
    );
    assert.equal(back[0]?.endpoint.id, slow.id);
    assert.match(back[0]?.body ?? "", /"object":"event"/);
    const rest = await store.claimParked({ owner: "w1", endpointId: slow.id, limit: 5, now, leaseMs: 30_000 });
    assert.equal(rest.length, 1, "fewer than the limit: none left");
    assert.deepEqual(
      await store.claimParked({ owner: "w1", endpointId: healthy.id, limit: 5, now, leaseMs: 30_000 }),
      [],
    );
    await store.close();
  });

  test("start-up makes parked deliveries due; disabling the endpoint cancels them", async () => {
    const store = await fresh();
    const scope = { accountId: await account(store), mode: "test" as const };
    const a = await addEndpoint(store, scope);
    const b = await addEndpoint(store, scope);
    const leaseTo = { owner: "w1", leaseMs: 30_000, accepts: () => false };
    const ingested = await store.ingestEvent({ event: event(scope), maxAttempts: 3, leaseTo });
    assert.equal(ingested.claimed.length, 0);
    await store.updateEndpoint(scope, b.id, { status: "disabled" }, T0 + 1);
    const now = T0 + 5_000;
    assert.equal(store.releaseAllLeases(now), 1, "the parked delivery of the enabled endpoint");
    const claimed = await store.claimDeliveries({ owner: "w2", limit: 10, now, leaseMs: 30_000 });
    assert.deepEqual(
      claimed.map((c) => c.endpoint.id),
      [a.id],
    );
    const cancelled = ingested.deliveries.find((d) => d.endpointId === b.id);
    assert.equal((await store.getDelivery(scope, cancelled?.id ?? ""))?.status, "cancelled");
    await store.close();
  });
});
