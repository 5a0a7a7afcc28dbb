/**
 * The Store contract for backends several processes share (`store.shared`):
 * each test opens a few stores on one fresh database, as that many
 * processes would, and checks that their claims, limits, hints and
 * migrations hold across them.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ID_PREFIX, newId } from "../../src/domain/ids.js";
import type { Scope } from "../../src/domain/types.js";
import type { ClaimedDelivery, DeliveryOutcome, HealthPolicy, Store } from "../../src/store/store.js";
import { type Backend, backends } from "./backends.js";
import { account, addEndpoint, event, T0 } from "./fixtures.js";

const POLICY: HealthPolicy = { failingForMs: 5 * 86_400_000, minConsecutiveFailures: 20 };
const LEASE_MS = 60_000;

function succeeded(c: ClaimedDelivery, at: number): DeliveryOutcome {
  return {
    deliveryId: c.delivery.id,
    endpointId: c.endpoint.id,
    leaseToken: c.leaseToken,
    gone: false,
    result: { kind: "succeeded" },
    attempt: {
      id: newId(ID_PREFIX.attempt),
      deliveryId: c.delivery.id,
      attemptedAt: at,
      durationMs: 1,
      responseStatus: 200,
      responseBody: "ok",
      responseHeaders: null,
      error: null,
      trigger: c.delivery.nextTrigger,
    },
  };
}

/** Every store claims at `now` at the same time; returns what each got. */
function claimAll(stores: Store[], now: number, limit = 100): Promise<ClaimedDelivery[][]> {
  return Promise.all(stores.map((s, i) => s.claimDeliveries({ owner: `p${i}`, limit, now, leaseMs: LEASE_MS })));
}

/** Opens `n` stores on one new database, runs `fn`, and always closes them. */
async function withStores(backend: Backend, n: number, fn: (stores: Store[]) => Promise<void>): Promise<void> {
  const group = await (backend.openMany as NonNullable<Backend["openMany"]>)(n);
  try {
    await fn(group.stores);
  } finally {
    await group.close();
  }
}

/** `n` events of `type` created at `created` (due then), ingested through `store`. */
async function ingestMany(store: Store, s: Scope, n: number, type: string, created = T0): Promise<void> {
  await Promise.all(
    Array.from({ length: n }, () => store.ingestEvent({ event: event(s, type, created), maxAttempts: 3 })),
  );
}

for (const backend of backends) {
  const skip = backend.skip ?? (backend.openMany === undefined ? "one process per store: nothing is shared" : false);
  describe(`shared store contract: ${backend.name}`, { skip }, () => {
    test("several processes migrating a fresh database at once end with one working schema", async () => {
      // openMany opens all four at once: their migrations race.
      await withStores(backend, 4, async ([a, b, c, d]) => {
        assert.ok(a && b && c && d);
        await Promise.all([a, b, c, d].map((s) => s.migrate()));
        assert.ok(a.shared);
        const s: Scope = { accountId: await account(a), mode: "test" };
        const ep = await addEndpoint(b, s);
        const r = await c.ingestEvent({ event: event(s, "payment.succeeded"), maxAttempts: 3 });
        const claimed = await d.claimDeliveries({ owner: "d", limit: 10, now: T0, leaseMs: 1000 });
        assert.deepEqual(
          claimed.map((x) => x.delivery.id),
          r.deliveries.map((x) => x.id),
        );
        assert.equal(claimed[0]?.endpoint.id, ep.id);
        const rec = await a.recordOutcomes(
          claimed.map((x) => succeeded(x, T0)),
          POLICY,
          T0,
        );
        assert.equal(rec.applied.length, 1);
        assert.equal((await b.getDelivery(s, claimed[0]?.delivery.id as string))?.status, "succeeded");
      });
    });

    test("concurrent claimers never take the same delivery", async () => {
      await withStores(backend, 3, async (stores) => {
        const [first] = stores as [Store];
        const s: Scope = { accountId: await account(first), mode: "test" };
        for (let i = 0; i < 10; i++) await addEndpoint(first, s, { enabledEvents: ["customer.created"] });
        await ingestMany(first, s, 30, "customer.created");
        const seen = new Map<string, number>();
        for (let round = 0; round < 100; round++) {
          const got = (await claimAll(stores, T0 + 1, 17)).flat();
          if (got.length === 0) break;
          for (const c of got) seen.set(c.delivery.id, (seen.get(c.delivery.id) ?? 0) + 1);
        }
        assert.equal(seen.size, 300, "every due delivery is claimed");
        assert.ok(
          [...seen.values()].every((n) => n === 1),
          "and by exactly one claimer",
        );
      });
    });

    test("max_in_flight holds across claimers; recorded outcomes free the slots", async () => {
      await withStores(backend, 3, async (stores) => {
        const [first, second] = stores as [Store, Store];
        const s: Scope = { accountId: await account(first), mode: "test" };
        const ep = await addEndpoint(first, s, { enabledEvents: ["refund.created"], maxInFlight: 2 });
        const free = await addEndpoint(first, s, { enabledEvents: ["refund.created"] });
        await ingestMany(first, s, 10, "refund.created");

        const leased: ClaimedDelivery[] = [];
        for (let round = 0; round < 3; round++) {
          const got = (await claimAll(stores, T0 + 1)).flat();
          leased.push(...got.filter((c) => c.endpoint.id === ep.id));
          assert.ok(leased.length <= 2, `at most 2 in flight, got ${leased.length}`);
        }
        assert.equal(leased.length, 2, "the limit is used, not just kept");
        const unlimited = await second.listDeliveries(s, { endpointId: free.id }, { limit: 100 });
        assert.equal(unlimited.data.length, 10);

        await second.recordOutcomes(
          leased.map((c) => succeeded(c, T0 + 2)),
          POLICY,
          T0 + 2,
        );
        const next = (await claimAll(stores, T0 + 3)).flat().filter((c) => c.endpoint.id === ep.id);
        assert.equal(next.length, 2, "finished deliveries free their slots");

        // An expired lease no longer counts: its delivery is due again and takes the slot.
        const later = (await claimAll(stores, T0 + 3 + LEASE_MS + 1)).flat().filter((c) => c.endpoint.id === ep.id);
        assert.equal(later.length, 2);
      });
    });

    test("rate_limit grants at most rate per second across claimers (burst: one second's worth)", async () => {
      await withStores(backend, 3, async (stores) => {
        const [first] = stores as [Store];
        const s: Scope = { accountId: await account(first), mode: "test" };
        const ep = await addEndpoint(first, s, { enabledEvents: ["charge.succeeded"], rateLimit: 2 });
        await ingestMany(first, s, 10, "charge.succeeded");
        const granted = async (now: number) =>
          (await claimAll(stores, now)).flat().filter((c) => c.endpoint.id === ep.id).length;
        assert.equal(await granted(T0 + 1), 2, "a full bucket: the burst");
        assert.equal(await granted(T0 + 1), 0, "then empty");
        assert.equal(await granted(T0 + 501), 1, "refilled at 2/s");
        assert.equal(await granted(T0 + 10_000), 2, "never more than the burst");
      });
    });

    test("a limit set later applies to deliveries already queued", async () => {
      await withStores(backend, 2, async (stores) => {
        const [first] = stores as [Store];
        const s: Scope = { accountId: await account(first), mode: "test" };
        const ep = await addEndpoint(first, s, { enabledEvents: ["service.created"] });
        await ingestMany(first, s, 6, "service.created");
        await first.updateEndpoint(s, ep.id, { maxInFlight: 1 }, T0);
        assert.equal((await claimAll(stores, T0 + 1)).flat().length, 1);
        await first.updateEndpoint(s, ep.id, { maxInFlight: null }, T0);
        assert.equal((await claimAll(stores, T0 + 1)).flat().length, 5, "and lifting it frees them");
      });
    });

    test("the same event sent to several processes at once is stored and fanned out once", async () => {
      await withStores(backend, 3, async (stores) => {
        const [first] = stores as [Store];
        const s: Scope = { accountId: await account(first), mode: "test" };
        await addEndpoint(first, s, { enabledEvents: ["refund.updated"] });
        await addEndpoint(first, s, { enabledEvents: ["refund.updated"] });
        for (let i = 0; i < 5; i++) {
          const ev = event(s, "refund.updated");
          const results = await Promise.all(stores.map((st) => st.ingestEvent({ event: ev, maxAttempts: 3 })));
          assert.equal(results.filter((r) => !r.duplicate).length, 1, "one process wrote it");
          const ids = results.map((r) =>
            r.deliveries
              .map((d) => d.id)
              .sort()
              .join(),
          );
          assert.equal(new Set(ids).size, 1, "every process answers with the same deliveries");
          assert.equal((await first.listDeliveries(s, { eventId: ev.id }, { limit: 10 })).data.length, 2);
        }
      });
    });

    test("onDue hears work another process made due", async () => {
      await withStores(backend, 2, async ([listener, writer]) => {
        assert.ok(listener && writer);
        const s: Scope = { accountId: await account(writer), mode: "test" };
        await addEndpoint(writer, s);
        let heard!: () => void;
        const due = new Promise<void>((resolve) => {
          heard = resolve;
        });
        const stop = await listener.onDue(() => heard());
        try {
          await writer.ingestEvent({ event: event(s, "payment.succeeded"), maxAttempts: 3 });
          await withTimeout(due, 5000, "no due notification within 5 s");
        } finally {
          await stop();
        }
      });
    });
  });
}

async function withTimeout<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
