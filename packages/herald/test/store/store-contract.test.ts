/**
 * The Store contract: what every backend must do, run against each of them.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { ID_PREFIX, newId } from "../../src/domain/ids.js";
import type { Scope } from "../../src/domain/types.js";
import type { DeliveryOutcome, HealthPolicy, Store } from "../../src/store/store.js";
import { backends } from "./backends.js";
import { account, addEndpoint, endpoint, event, T0 } from "./fixtures.js";

const POLICY: HealthPolicy = { failingForMs: 5 * 86_400_000, minConsecutiveFailures: 20 };

function outcome(
  deliveryId: string,
  endpointId: string,
  leaseToken: string,
  result: DeliveryOutcome["result"],
  status = 200,
): DeliveryOutcome {
  return {
    deliveryId,
    endpointId,
    leaseToken,
    gone: status === 410,
    result,
    attempt: {
      id: newId(ID_PREFIX.attempt),
      deliveryId,
      attemptedAt: T0 + 1000,
      durationMs: 3,
      responseStatus: status,
      responseBody: "ok",
      responseHeaders: { "content-type": "text/plain" },
      requestHeaders: { "content-type": "application/json", "webhook-signature": "v1,c2ln" },
      error: status >= 200 && status < 300 ? null : "http_error",
      trigger: "scheduled",
    },
  };
}

for (const backend of backends) {
  describe(`store contract: ${backend.name}`, { skip: backend.skip ?? false }, () => {
    let store: Store;
    let scope: Scope;
    before(async () => {
      store = await backend.open();
    });
    after(async () => {
      await store.close();
    });

    test("migrate is idempotent and settings keep the first value", async () => {
      await store.migrate();
      await store.ping();
      assert.equal(await store.setSettingIfAbsent("k", "a"), "a");
      assert.equal(await store.setSettingIfAbsent("k", "b"), "a");
      await store.setSetting("k", "c");
      assert.equal(await store.getSetting("k"), "c");
      assert.equal(await store.getSetting("missing"), null);
    });

    test("ingest fans out to subscribed, enabled endpoints only, in one step", async () => {
      scope = { accountId: await account(store), mode: "test" };
      const all = await addEndpoint(store, scope, { enabledEvents: ["*"] });
      const payments = await addEndpoint(store, scope, { enabledEvents: ["payment.succeeded"] });
      await addEndpoint(store, scope, { enabledEvents: ["refund.created"] });
      const off = await addEndpoint(store, scope, { enabledEvents: ["*"] });
      await store.updateEndpoint(scope, off.id, { status: "disabled", disabledReason: "manual" }, T0);
      await addEndpoint(store, { ...scope, mode: "live" }, { enabledEvents: ["*"] });

      const ev = event(scope);
      const r = await store.ingestEvent({ event: ev, maxAttempts: 8 });
      assert.equal(r.duplicate, false);
      assert.deepEqual(r.deliveries.map((d) => d.endpointId).sort(), [all.id, payments.id].sort());
      assert.ok(
        r.deliveries.every((d) => d.status === "pending" && d.maxAttempts === 8 && d.nextTrigger === "scheduled"),
      );
      assert.deepEqual(r.claimed, []);
      assert.equal((await store.getEvent(scope, ev.id))?.body, ev.body);
      assert.equal(await store.getEvent({ ...scope, mode: "live" }, ev.id), null);

      const again = await store.ingestEvent({ event: ev, maxAttempts: 8 });
      assert.equal(again.duplicate, true);
      assert.equal(again.deliveries.length, 2);
      const page = await store.listDeliveries(scope, { eventId: ev.id }, { limit: 10 });
      assert.equal(page.data.length, 2, "a repeated event id is not fanned out twice");

      const other: Scope = { accountId: await account(store), mode: "test" };
      await assert.rejects(
        store.ingestEvent({ event: { ...ev, accountId: other.accountId }, maxAttempts: 8 }),
        (e: Error & { code?: string }) => e.code === "event_id_taken",
      );
    });

    test("events arriving together: a repeated id is one event, another account's is refused", async () => {
      const s: Scope = { accountId: await account(store), mode: "test" };
      await addEndpoint(store, s, { enabledEvents: ["customer.updated"] });
      await addEndpoint(store, s, { enabledEvents: ["customer.*"] });
      const ev = event(s, "customer.updated");
      const other = await account(store);
      // Submitted in one tick: the same group commit on backends that batch.
      const [first, again, stolen, fresh] = await Promise.allSettled([
        store.ingestEvent({ event: ev, maxAttempts: 3 }),
        store.ingestEvent({ event: ev, maxAttempts: 3 }),
        store.ingestEvent({ event: { ...ev, accountId: other }, maxAttempts: 3 }),
        store.ingestEvent({ event: event(s, "customer.updated"), maxAttempts: 3 }),
      ]);
      assert.ok(first.status === "fulfilled" && again.status === "fulfilled" && fresh.status === "fulfilled");
      assert.equal(first.value.duplicate, false);
      assert.equal(again.value.duplicate, true);
      assert.deepEqual(again.value.deliveries.map((d) => d.id).sort(), first.value.deliveries.map((d) => d.id).sort());
      assert.equal(first.value.deliveries.length, 2);
      assert.equal(fresh.value.deliveries.length, 2);
      assert.ok(stolen.status === "rejected" && (stolen.reason as { code?: string }).code === "event_id_taken");
      const stored = await store.listDeliveries(s, { eventId: ev.id }, { limit: 10 });
      assert.equal(stored.data.length, 2);
    });

    test("concurrent endpoint creates never exceed the limit", async () => {
      const s: Scope = { accountId: await account(store), mode: "test" };
      const results = await Promise.allSettled(Array.from({ length: 8 }, () => store.createEndpoint(endpoint(s), 3)));
      assert.equal(results.filter((r) => r.status === "fulfilled").length, 3);
      for (const r of results) {
        if (r.status === "rejected") assert.equal((r.reason as { code?: string }).code, "endpoint_limit_reached");
      }
      const sameUrl = await Promise.allSettled(
        Array.from({ length: 4 }, () =>
          store.createEndpoint(endpoint({ ...s, mode: "live" }, { url: "https://same.example.com/x" }), 20),
        ),
      );
      assert.equal(sameUrl.filter((r) => r.status === "fulfilled").length, 1, "one endpoint per URL");
    });

    test("concurrent requests with one Idempotency-Key: exactly one goes ahead", async () => {
      const states = await Promise.all(Array.from({ length: 6 }, () => store.beginIdempotent("race", "k", "h", T0)));
      assert.equal(states.filter((x) => x.state === "new").length, 1);
      assert.ok(states.every((x) => x.state === "new" || x.state === "in_progress"));
    });

    test("endpoint limit, url uniqueness and scoped reads", async () => {
      const s: Scope = { accountId: await account(store), mode: "live" };
      const first = await addEndpoint(store, s, { url: "https://a.example.com/x" });
      await assert.rejects(
        addEndpoint(store, s, { url: "https://a.example.com/x" }),
        (e: Error & { code?: string }) => e.code === "url_taken",
      );
      // the same URL in the other mode is another endpoint
      await addEndpoint(store, { ...s, mode: "test" }, { url: "https://a.example.com/x" });
      for (let i = 1; i < 20; i++) await addEndpoint(store, s);
      await assert.rejects(
        addEndpoint(store, s),
        (e: Error & { code?: string }) => e.code === "endpoint_limit_reached",
      );
      assert.equal(await store.getEndpoint({ ...s, mode: "test" }, first.id), null);
      assert.equal(await store.getEndpoint({ accountId: "acct_other", mode: "live" }, first.id), null);
      assert.ok(await store.deleteEndpoint(s, first.id, T0));
      assert.equal(await store.getEndpoint(s, first.id), null);
      assert.equal(await store.deleteEndpoint(s, first.id, T0), false);
      // a deleted endpoint frees its URL and its slot
      await addEndpoint(store, s, { url: "https://a.example.com/x" });
    });

    test("claims are exclusive, leases expire, outcomes apply only with the lease", async () => {
      const s: Scope = { accountId: await account(store), mode: "test" };
      const ep = await addEndpoint(store, s);
      const ev = event(s, "refund.created", T0);
      const { deliveries } = await store.ingestEvent({ event: ev, maxAttempts: 3 });
      const id = deliveries[0]?.id as string;

      const a = await store.claimDeliveries({ owner: "a", limit: 100, now: T0, leaseMs: 1000 });
      const mine = a.find((c) => c.delivery.id === id);
      assert.ok(mine, "a due delivery is claimed");
      assert.equal(mine.endpoint.id, ep.id);
      assert.equal(mine.body, ev.body);
      const b = await store.claimDeliveries({ owner: "b", limit: 100, now: T0 + 500, leaseMs: 1000 });
      assert.equal(
        b.find((c) => c.delivery.id === id),
        undefined,
        "a leased delivery is not claimed twice",
      );

      // the lease runs out: another worker takes it
      const c = await store.claimDeliveries({ owner: "c", limit: 100, now: T0 + 1001, leaseMs: 1000 });
      const theirs = c.find((x) => x.delivery.id === id);
      assert.ok(theirs, "an expired lease comes back to the queue");

      // the first worker's late outcome is logged but changes no status
      const late = await store.recordOutcomes(
        [outcome(id, ep.id, mine.leaseToken, { kind: "succeeded" })],
        POLICY,
        T0 + 1100,
      );
      assert.deepEqual(late.applied, []);
      let d = await store.getDelivery(s, id);
      assert.equal(d?.status, "pending");
      assert.equal(d?.attemptCount, 1);

      const res = await store.recordOutcomes(
        [outcome(id, ep.id, theirs.leaseToken, { kind: "retry", nextAttemptAt: T0 + 5000 }, 500)],
        POLICY,
        T0 + 1200,
      );
      assert.deepEqual(res.applied, [id]);
      d = await store.getDelivery(s, id);
      assert.equal(d?.status, "pending");
      assert.equal(d?.nextAttemptAt, T0 + 5000);
      assert.equal(d?.nextTrigger, "retry");
      assert.equal(d?.lastResponseStatus, 500);
      assert.equal(d?.attemptCount, 2);
      const attempts = await store.listAttempts(s, id);
      assert.equal(attempts.length, 2);
      assert.deepEqual(attempts[0]?.requestHeaders, {
        "content-type": "application/json",
        "webhook-signature": "v1,c2ln",
      });
      const early = await store.claimDeliveries({ owner: "a", limit: 100, now: T0 + 4999, leaseMs: 1000 });
      assert.equal(
        early.find((x) => x.delivery.id === id),
        undefined,
        "not due before its retry time",
      );

      const again = (await store.claimDeliveries({ owner: "a", limit: 100, now: T0 + 5000, leaseMs: 1000 })).find(
        (x) => x.delivery.id === id,
      );
      assert.ok(again, "due at its retry time");
      const fin = await store.recordOutcomes(
        [outcome(id, ep.id, again.leaseToken, { kind: "failed" }, 500)],
        POLICY,
        T0 + 6000,
      );
      assert.equal(fin.exhausted.length, 1);
      assert.equal((await store.getDelivery(s, id))?.status, "failed");

      // resend queues a manual attempt, whatever the status
      const resent = await store.resendDelivery(s, id, T0 + 7000);
      assert.equal(resent?.status, "pending");
      assert.equal(resent?.nextTrigger, "manual");
      assert.ok((resent?.maxAttempts ?? 0) > (resent?.attemptCount ?? 0));
      assert.equal(await store.resendDelivery({ ...s, mode: "live" }, id, T0), null);
    });

    test("hand-off: ingest can write deliveries already leased to a local worker", async () => {
      const s: Scope = { accountId: await account(store), mode: "test" };
      await addEndpoint(store, s);
      const r = await store.ingestEvent({
        event: event(s, "payment.failed", T0),
        maxAttempts: 3,
        leaseTo: { owner: "local", leaseMs: 30_000 },
      });
      assert.equal(r.claimed.length, 1);
      const token = r.claimed[0]?.leaseToken as string;
      assert.ok(token.startsWith("local:"));
      const others = await store.claimDeliveries({ owner: "x", limit: 100, now: T0 + 1000, leaseMs: 1000 });
      assert.equal(
        others.find((c) => c.delivery.id === r.claimed[0]?.delivery.id),
        undefined,
      );
      const owned = await store.renewLeases(
        "local",
        [{ deliveryId: r.claimed[0]?.delivery.id as string, leaseToken: token }],
        T0 + 60_000,
      );
      assert.equal(owned.length, 1);
      await store.releaseLeases([{ deliveryId: r.claimed[0]?.delivery.id as string, leaseToken: token }], T0 + 2000);
      const back = await store.claimDeliveries({ owner: "x", limit: 100, now: T0 + 2000, leaseMs: 1000 });
      assert.ok(
        back.find((c) => c.delivery.id === r.claimed[0]?.delivery.id),
        "a released lease is due at once",
      );
    });

    test("hand-off leaves deliveries to limited endpoints in the queue on a shared store", async () => {
      const s: Scope = { accountId: await account(store), mode: "test" };
      const plain = await addEndpoint(store, s, { enabledEvents: ["checkout.session.completed"] });
      const capped = await addEndpoint(store, s, { enabledEvents: ["checkout.session.completed"], maxInFlight: 3 });
      const paced = await addEndpoint(store, s, { enabledEvents: ["checkout.session.completed"], rateLimit: 5 });
      const ev = event(s, "checkout.session.completed", T0);
      const r = await store.ingestEvent({ event: ev, maxAttempts: 3, leaseTo: { owner: "local", leaseMs: 30_000 } });
      assert.equal(r.deliveries.length, 3);
      const handed = r.claimed.map((c) => c.endpoint.id).sort();
      if (!store.shared) {
        // One process: its own lanes keep the limits, so everything is handed over.
        assert.deepEqual(handed, [plain.id, capped.id, paced.id].sort());
        return;
      }
      assert.deepEqual(handed, [plain.id], "only the endpoint without limits is handed over");
      const queued = r.deliveries.filter((d) => d.endpointId !== plain.id);
      assert.ok(
        queued.every((d) => d.nextAttemptAt === ev.created),
        "the others are due now",
      );
      const claimed = await store.claimDeliveries({ owner: "x", limit: 100, now: T0, leaseMs: 1000 });
      assert.deepEqual(
        claimed
          .filter((c) => c.delivery.eventId === ev.id)
          .map((c) => c.endpoint.id)
          .sort(),
        [capped.id, paced.id].sort(),
        "and a claim takes them under their limits",
      );
    });

    test("claims skip excluded endpoints", async () => {
      const s: Scope = { accountId: await account(store), mode: "test" };
      const e1 = await addEndpoint(store, s, { enabledEvents: ["customer.created"] });
      const e2 = await addEndpoint(store, s, { enabledEvents: ["customer.created"] });
      await store.ingestEvent({ event: event(s, "customer.created", T0 - 10_000), maxAttempts: 3 });
      const got = await store.claimDeliveries({
        owner: "x",
        limit: 100,
        now: T0 - 5000,
        leaseMs: 1000,
        excludeEndpointIds: [e1.id],
      });
      assert.ok(got.some((c) => c.endpoint.id === e2.id));
      assert.ok(!got.some((c) => c.endpoint.id === e1.id));
    });

    test("an event body and id come back byte for byte, whatever characters they hold", async () => {
      const s: Scope = { accountId: await account(store), mode: "test" };
      const ep = await addEndpoint(store, s, { enabledEvents: ["note.added"] });
      const e = event(s, "note.added");
      const tricky = `it's a "quote", a back\\slash, $1 and $$, E'x', \u0000, \ud83d, 😀, ; COMMIT; --`;
      e.body = JSON.stringify({ ...JSON.parse(e.body), data: { object: { text: tricky } } });
      e.id = `evt_it's_${Date.now()}`;
      const r = await store.ingestEvent({ event: e, maxAttempts: 3 });
      assert.deepEqual(
        r.deliveries.map((d) => d.endpointId),
        [ep.id],
      );
      const back = await store.getEvent(s, e.id);
      assert.equal(back?.body, e.body);
      assert.equal(JSON.parse(back?.body ?? "{}").data.object.text, tricky);
      const again = await store.ingestEvent({ event: e, maxAttempts: 3 });
      assert.equal(again.duplicate, true, "the stored id is found again");
    });

    test("claims reach past an excluded endpoint's older backlog", async () => {
      const s: Scope = { accountId: await account(store), mode: "test" };
      const slow = await addEndpoint(store, s, { enabledEvents: ["invoice.paid"] });
      const other = await addEndpoint(store, s, { enabledEvents: ["invoice.voided"] });
      for (let i = 0; i < 30; i++)
        await store.ingestEvent({ event: event(s, "invoice.paid", T0 - 30_000 + i), maxAttempts: 3 });
      for (let i = 0; i < 3; i++)
        await store.ingestEvent({ event: event(s, "invoice.voided", T0 - 20_000 + i), maxAttempts: 3 });
      // Small claims, as when the slow endpoint's lane is full: each must
      // pass over its 30 older rows (and whatever other tests left due).
      const taken: string[] = [];
      for (let n = 0; n < 20 && taken.filter((id) => id === other.id).length < 3; n++) {
        const got = await store.claimDeliveries({
          owner: "x",
          limit: 2,
          now: T0 - 10_000,
          leaseMs: 60_000,
          excludeEndpointIds: [slow.id],
        });
        taken.push(...got.map((c) => c.endpoint.id));
      }
      assert.equal(taken.filter((id) => id === other.id).length, 3);
      assert.ok(!taken.includes(slow.id));
    });

    test("disable and delete cancel pending deliveries; 410 and auto-disable disable", async () => {
      const s: Scope = { accountId: await account(store), mode: "test" };
      const e1 = await addEndpoint(store, s);
      const e2 = await addEndpoint(store, s);
      const e3 = await addEndpoint(store, s);
      const r = await store.ingestEvent({ event: event(s, "charge.failed", T0 - 60_000), maxAttempts: 3 });
      const byEp = new Map(r.deliveries.map((d) => [d.endpointId, d.id]));
      await store.updateEndpoint(s, e1.id, { status: "disabled", disabledReason: "manual" }, T0);
      assert.equal((await store.getDelivery(s, byEp.get(e1.id) as string))?.status, "cancelled");
      assert.ok(await store.deleteEndpoint(s, e2.id, T0));
      assert.equal((await store.getDelivery(s, byEp.get(e2.id) as string))?.status, "cancelled");

      const claimed = await store.claimDeliveries({ owner: "x", limit: 100, now: T0, leaseMs: 1000 });
      const c3 = claimed.find((c) => c.endpoint.id === e3.id);
      assert.ok(c3);
      const res = await store.recordOutcomes(
        [outcome(c3.delivery.id, e3.id, c3.leaseToken, { kind: "failed" }, 410)],
        POLICY,
        T0,
      );
      assert.deepEqual(
        res.disabledEndpoints.map((e) => [e.id, e.status, e.disabledReason]),
        [[e3.id, "disabled", "gone"]],
      );

      // auto-disable: every attempt failing for longer than the window, enough in a row
      const e4 = await addEndpoint(store, s, { enabledEvents: ["service.created"] });
      const policy: HealthPolicy = { failingForMs: 1000, minConsecutiveFailures: 3 };
      let disabled: string[] = [];
      for (let i = 0; i < 3; i++) {
        const ing = await store.ingestEvent({ event: event(s, "service.created", T0), maxAttempts: 3 });
        const claim = (await store.claimDeliveries({ owner: "x", limit: 100, now: T0 + i, leaseMs: 1000 })).find(
          (c) => c.delivery.id === ing.deliveries[0]?.id,
        );
        assert.ok(claim);
        const o = outcome(
          claim.delivery.id,
          e4.id,
          claim.leaseToken,
          { kind: "retry", nextAttemptAt: T0 + 99_999 },
          500,
        );
        o.attempt.attemptedAt = T0 + i * 1000;
        const rr = await store.recordOutcomes([o], policy, T0 + i * 1000);
        disabled = rr.disabledEndpoints.map((e) => e.id);
      }
      assert.deepEqual(disabled, [e4.id]);
      const e4now = await store.getEndpoint(s, e4.id);
      assert.equal(e4now?.status, "disabled");
      assert.equal(e4now?.disabledReason, "failing");
      const left = await store.listDeliveries(s, { endpointId: e4.id, status: "pending" }, { limit: 10 });
      assert.equal(left.data.length, 0, "its pending deliveries are cancelled");
      // enabling again forgives the failure run
      const re = await store.updateEndpoint(s, e4.id, { status: "enabled", disabledReason: null }, T0 + 5000);
      assert.equal(re?.consecutiveFailures, 0);
      assert.equal(re?.failingSince, null);
    });

    test("recover re-queues failed and cancelled deliveries since a time", async () => {
      const s: Scope = { accountId: await account(store), mode: "test" };
      const ep = await addEndpoint(store, s, { enabledEvents: ["paywall.created"] });
      await store.ingestEvent({ event: event(s, "paywall.created", T0 - 100_000), maxAttempts: 1 });
      await store.ingestEvent({ event: event(s, "paywall.created", T0), maxAttempts: 1 });
      const claimed = await store.claimDeliveries({ owner: "x", limit: 100, now: T0 + 1, leaseMs: 1000 });
      const mine = claimed.filter((c) => c.endpoint.id === ep.id);
      assert.equal(mine.length, 2);
      await store.recordOutcomes(
        mine.map((c) => outcome(c.delivery.id, ep.id, c.leaseToken, { kind: "failed" }, 500)),
        POLICY,
        T0 + 2,
      );
      assert.equal(await store.recoverDeliveries(s, ep.id, T0 - 1000, T0 + 3), 1);
      assert.equal(await store.recoverDeliveries({ ...s, mode: "live" }, ep.id, 0, T0 + 3), 0);
    });

    test("endpoint stats: the window's deliveries by status, hourly attempts, the newest delivery", async () => {
      const s: Scope = { accountId: await account(store), mode: "test" };
      const ep = await addEndpoint(store, s, { enabledEvents: ["*"] });
      const empty = await store.endpointStats(s, ep.id, T0 - 86_400_000);
      assert.deepEqual(empty, {
        deliveries: { pending: 0, succeeded: 0, failed: 0, cancelled: 0 },
        lastDelivery: null,
        buckets: [],
      });
      const before = (
        await store.ingestEvent({ event: event(s, "refund.created", T0 - 2 * 86_400_000), maxAttempts: 3 })
      ).deliveries[0];
      const ids: string[] = [];
      for (let i = 0; i < 4; i++) {
        const d = (await store.ingestEvent({ event: event(s, "refund.created", T0 + i), maxAttempts: 3 })).deliveries;
        ids.push(d.find((x) => x.endpointId === ep.id)?.id as string);
      }
      const claimed = (await store.claimDeliveries({ owner: "st", limit: 1000, now: T0 + 10, leaseMs: 60_000 })).filter(
        (c) => c.endpoint.id === ep.id,
      );
      const lease = (id: string | undefined) => claimed.find((c) => c.delivery.id === id)?.leaseToken as string;
      await store.recordOutcomes(
        [
          outcome(ids[0] as string, ep.id, lease(ids[0]), { kind: "succeeded" }),
          outcome(ids[1] as string, ep.id, lease(ids[1]), { kind: "succeeded" }),
          outcome(ids[2] as string, ep.id, lease(ids[2]), { kind: "failed" }, 500),
          outcome(ids[3] as string, ep.id, lease(ids[3]), { kind: "retry", nextAttemptAt: T0 + 60_000 }, 503),
          outcome(before?.id as string, ep.id, lease(before?.id), { kind: "succeeded" }),
        ],
        POLICY,
        T0 + 2000,
      );
      const stats = await store.endpointStats(s, ep.id, T0 - 86_400_000);
      assert.deepEqual(
        stats.deliveries,
        { pending: 1, succeeded: 2, failed: 1, cancelled: 0 },
        "older deliveries are outside the window",
      );
      assert.equal(stats.lastDelivery?.id, ids[3]);
      assert.equal(stats.lastDelivery?.status, "pending");
      assert.equal(stats.lastDelivery?.created, T0 + 3);
      assert.equal(stats.buckets.length, 1);
      const hour = stats.buckets[0];
      assert.equal(hour?.start, Math.floor((T0 + 1000) / 3_600_000) * 3_600_000);
      assert.equal(hour?.attempts, 4);
      assert.equal(hour?.succeeded, 2);
      assert.equal(hour?.avgDurationMs, 3);
      assert.equal(hour?.maxDurationMs, 3);
      // another mode sees nothing of it
      const live = await store.endpointStats({ ...s, mode: "live" }, ep.id, T0 - 86_400_000);
      assert.equal(live.lastDelivery, null);
      assert.equal(live.deliveries.succeeded, 0);
    });

    test("lists paginate newest first and filter", async () => {
      const s: Scope = { accountId: await account(store), mode: "test" };
      await addEndpoint(store, s, { enabledEvents: ["payment.succeeded"] });
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) {
        const ev = event(s, i % 2 === 0 ? "payment.succeeded" : "refund.created", T0 + i);
        ids.push(ev.id);
        await store.ingestEvent({ event: ev, maxAttempts: 3 });
      }
      const p1 = await store.listEvents(s, {}, { limit: 2 });
      assert.deepEqual(
        p1.data.map((e) => e.id),
        [ids[4], ids[3]],
      );
      assert.equal(p1.hasMore, true);
      const p2 = await store.listEvents(s, {}, { limit: 2, startingAfter: ids[3] as string });
      assert.deepEqual(
        p2.data.map((e) => e.id),
        [ids[2], ids[1]],
      );
      const p3 = await store.listEvents(s, {}, { limit: 2, startingAfter: ids[1] as string });
      assert.deepEqual(
        p3.data.map((e) => e.id),
        [ids[0]],
      );
      assert.equal(p3.hasMore, false);
      const back = await store.listEvents(s, {}, { limit: 2, endingBefore: ids[0] as string });
      assert.deepEqual(
        back.data.map((e) => e.id),
        [ids[2], ids[1]],
      );
      assert.equal(back.hasMore, true);
      const pay = await store.listEvents(s, { type: "payment.*" }, { limit: 10 });
      assert.equal(pay.data.length, 3);
      const ref = await store.listEvents(s, { type: "refund.created" }, { limit: 10 });
      assert.equal(ref.data.length, 2);
      const failing = await store.listEvents(s, { deliverySuccess: false }, { limit: 10 });
      assert.equal(failing.data.length, 0);
      const unknown = await store.listEvents(s, {}, { limit: 10, startingAfter: "evt_nope" });
      assert.equal(unknown.data.length, 0);
    });

    test("idempotency records: new, in progress, replay, mismatch, abort", async () => {
      assert.deepEqual(await store.beginIdempotent("s", "k1", "h1", T0), { state: "new" });
      assert.deepEqual(await store.beginIdempotent("s", "k1", "h1", T0), { state: "in_progress" });
      await store.completeIdempotent("s", "k1", 201, '{"a":1}');
      assert.deepEqual(await store.beginIdempotent("s", "k1", "h1", T0 + 1), {
        state: "replay",
        status: 201,
        body: '{"a":1}',
      });
      assert.deepEqual(await store.beginIdempotent("s", "k1", "h2", T0 + 1), { state: "mismatch" });
      assert.deepEqual(await store.beginIdempotent("other", "k1", "h2", T0 + 1), { state: "new" });
      // after 24 h the key is free again
      assert.deepEqual(await store.beginIdempotent("s", "k1", "h2", T0 + 25 * 3600 * 1000), { state: "new" });
      await store.abortIdempotent("s", "k1");
      assert.deepEqual(await store.beginIdempotent("s", "k1", "h3", T0 + 25 * 3600 * 1000), { state: "new" });
    });

    test("prune deletes old finished events with their deliveries and attempts, in batches", async () => {
      const s: Scope = { accountId: await account(store), mode: "test" };
      const ep = await addEndpoint(store, s, { enabledEvents: ["service.created"] });
      const old = T0 - 40 * 86_400_000;
      const done = [];
      for (let i = 0; i < 3; i++)
        done.push((await store.ingestEvent({ event: event(s, "service.created", old + i), maxAttempts: 1 })).event.id);
      const stillPending = (await store.ingestEvent({ event: event(s, "service.created", old + 10), maxAttempts: 1 }))
        .deliveries[0];
      const fresh = (await store.ingestEvent({ event: event(s, "service.created", T0), maxAttempts: 1 })).event.id;
      const claimed = (await store.claimDeliveries({ owner: "p", limit: 1000, now: T0 + 1, leaseMs: 1000 })).filter(
        (c) => c.endpoint.id === ep.id && c.delivery.id !== stillPending?.id,
      );
      await store.recordOutcomes(
        claimed.map((c) => outcome(c.delivery.id, ep.id, c.leaseToken, { kind: "failed" }, 500)),
        POLICY,
        T0 + 2,
      );
      const cutoff = T0 - 30 * 86_400_000;
      let total = 0;
      for (let n = await store.prune(cutoff, 2); n > 0; n = await store.prune(cutoff, 2)) {
        assert.ok(n <= 2, "at most one batch at a time");
        total += n;
      }
      assert.ok(total >= 3);
      for (const id of done) assert.equal(await store.getEvent(s, id), null);
      assert.ok(await store.getEvent(s, fresh), "recent events stay");
      const pending = await store.getDelivery(s, stillPending?.id as string);
      assert.equal(pending?.status, "pending", "an event with a pending delivery stays until it ends");
      const left = await store.listDeliveries(s, { endpointId: ep.id }, { limit: 100 });
      assert.equal(left.data.length, 2);
    });

    test("dashboard links work once and expire; prune deletes expired links and sessions", async () => {
      const accountId = await account(store);
      const now = Date.now();
      const token = (hash: string, kind: "link" | "session", expiresAt: number) => ({
        hash,
        kind,
        accountId,
        mode: "test" as const,
        csrf: kind === "session" ? "csrf" : null,
        expiresAt,
        usedAt: null,
      });
      await store.saveDashboardToken(token(`${accountId}-l1`, "link", now + 60_000));
      await store.saveDashboardToken(token(`${accountId}-l2`, "link", now - 1));
      await store.saveDashboardToken(token(`${accountId}-s1`, "session", now - 1));
      await store.saveDashboardToken(token(`${accountId}-s2`, "session", now + 60_000));
      const uses = await Promise.all([1, 2, 3].map(() => store.useDashboardLink(`${accountId}-l1`, now)));
      assert.equal(uses.filter((u) => u !== null).length, 1, "exactly one use wins");
      assert.equal(uses.find((u) => u !== null)?.accountId, accountId);
      assert.equal(await store.useDashboardLink(`${accountId}-l2`, now), null, "an expired link is refused");
      assert.equal(await store.useDashboardLink(`${accountId}-s2`, now), null, "a session is not a link");
      // a mode switch rewrites the session in place
      await store.saveDashboardToken({ ...token(`${accountId}-s2`, "session", now + 120_000), mode: "live" });
      assert.equal((await store.getDashboardToken(`${accountId}-s2`))?.mode, "live");

      await store.prune(T0 - 40 * 86_400_000, 10);
      assert.equal(await store.getDashboardToken(`${accountId}-l2`), null);
      assert.equal(await store.getDashboardToken(`${accountId}-s1`), null);
      assert.ok(await store.getDashboardToken(`${accountId}-l1`), "a used link stays until it expires");
      assert.equal(await store.useDashboardLink(`${accountId}-l1`, now), null, "and stays used");
      assert.equal((await store.getDashboardToken(`${accountId}-s2`))?.expiresAt, now + 120_000);
      await store.deleteDashboardToken(`${accountId}-s2`);
      assert.equal(await store.getDashboardToken(`${accountId}-s2`), null);
    });

    test("accounts, keys and custom event types", async () => {
      const id = await account(store, "free");
      assert.equal((await store.getAccount(id))?.plan, "free");
      assert.equal((await store.updateAccount(id, { plan: "business" }))?.plan, "business");
      assert.equal(await store.updateAccount("acct_missing", { plan: "pro" }), null);
      await store.createApiKey({ id: "key_1", accountId: id, mode: "live", created: T0, revokedAt: null }, "hash-1");
      assert.equal((await store.findApiKeyByHash("hash-1"))?.accountId, id);
      assert.equal(await store.findApiKeyByHash("hash-2"), null);
      const owner = await store.findKeyOwner("hash-1");
      assert.equal(owner?.key.id, "key_1");
      assert.deepEqual(owner?.account, await store.getAccount(id), "the key's account, as getAccount reads it");
      assert.equal(await store.findKeyOwner("hash-2"), null);
      await store.upsertEventType({ name: "invoice.paid", description: "x", group: "Invoices", recommended: false });
      await store.upsertEventType({ name: "invoice.paid", description: "y", group: "Invoices", recommended: true });
      const types = await store.listCustomEventTypes();
      assert.deepEqual(types, [{ name: "invoice.paid", description: "y", group: "Invoices", recommended: true }]);
      assert.ok((await store.countAccounts()) > 0);
    });
  });
}
