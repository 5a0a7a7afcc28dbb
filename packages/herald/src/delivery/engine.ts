/**
 * The delivery engine: claims due deliveries under a lease, hands them to
 * fair per-endpoint lanes, sends them, and records outcomes in batches.
 *
 * Durability rules it keeps:
 * - nothing is sent before the row that describes it has committed;
 * - a delivery stays leased to this process from claim until its outcome has
 *   committed, and the lease is renewed meanwhile; if this process dies, the
 *   lease runs out and another claim picks the delivery up again;
 * - no database transaction is open while an HTTP request is in flight.
 */
import { hostname } from "node:os";
import type { Logger } from "pino";
import { ID_PREFIX, newId } from "../domain/ids.js";
import type { ClaimedDelivery, DeliveryOutcome, HealthPolicy, RecordResult, Store } from "../store/store.js";
import { type AttemptResult, unsentAttempt } from "./attempt-handler.js";
import { auditDisabledEndpoints } from "./audit-disabled.js";
import type { BreakerOptions } from "./breaker.js";
import { Lanes } from "./lanes.js";
import type { OperatorNotices } from "./operator-notices.js";
import { Recorder } from "./recorder.js";
import type { RetryPolicy } from "./retry-policy.js";
import type { Sender } from "./sender.js";

export interface EngineOptions {
  store: Store;
  /** Sends each attempt: a Dispatcher (this thread) or SenderThreads. */
  dispatcher: Sender;
  retry: RetryPolicy;
  logger: Logger;
  notices?: OperatorNotices;
  /** Told of every committed batch of outcomes, and of every pause and resume of an endpoint (metrics). Default: none. */
  observer?: {
    recorded(outcomes: readonly DeliveryOutcome[], result: RecordResult): void;
    breaker?(endpointId: string, change: "paused" | "resumed"): void;
  };
  /** Auto-disable rule. Default: failing for 5 days and at least 20 failures in a row (contract §3). */
  health?: HealthPolicy;
  /** How long a claim holds a delivery before another process may take it. Default 30 000 ms. */
  leaseMs?: number;
  /** How often to look for due work when nothing wakes the engine. Default 250 ms. */
  pollMs?: number;
  /**
   * Claims that a wake-up starts come at most this often, in ms. Default 5
   * on a shared store, 0 on the embedded one: on PostgreSQL every committed
   * ingest batch of any process notifies every worker, so at 500 events/s
   * each worker made a claim round trip per notification, most finding
   * nothing the other worker had not taken. At most 200 a second per worker
   * instead (measured in S2 on PostgreSQL: a worker's busy time 8.5 → 7.9 s
   * of 20 s, latency within the runs' spread).
   */
  minClaimIntervalMs?: number;
  /** Deliveries per claim. Default 256. */
  claimBatch?: number;
  /** Deliveries held by this process (waiting, in flight, being recorded). Default 4096. */
  maxHeld?: number;
  /** An endpoint with this many waiting deliveries gets no more claimed until it drains. Default 256. */
  perEndpointBuffer?: number;
  /** Requests in flight across all endpoints. Default 512. */
  globalMaxInFlight?: number;
  /** In-flight cap of an endpoint without `max_in_flight`. Default 20. */
  defaultMaxInFlight?: number;
  /** When an endpoint that keeps failing is paused (see breaker.ts). Default: 20 failures in a row, pauses from 1 s doubling to 30 s. */
  breaker?: BreakerOptions;
  /** Clock in unix ms. Default Date.now. */
  now?: () => number;
}

/**
 * Waiting deliveries every lane may hold even when the process holds
 * `maxHeld`: without it, enough slow lanes (each holding its buffer) filled
 * the budget, the hand-off declined every other endpoint's deliveries and
 * the claim loop had no room to take them back, so one set of slow
 * endpoints delayed all the others until their requests timed out.
 */
const FAIR_SHARE = 16;

export const DEFAULT_HEALTH_POLICY: HealthPolicy = { failingForMs: 5 * 24 * 3600 * 1000, minConsecutiveFailures: 20 };

interface Held {
  item: ClaimedDelivery;
  /** waiting in a lane → in flight → sent (outcome not yet committed). */
  state: "waiting" | "in_flight" | "sent";
}

export class DeliveryEngine {
  readonly owner = `${hostname()}:${process.pid}:${newId("w").slice(2, 10)}`;
  readonly leaseMs: number;
  readonly #o: EngineOptions;
  readonly #minClaimIntervalMs: number;
  readonly #maxHeld: number;
  readonly #buffer: number;
  readonly #now: () => number;
  readonly #lanes: Lanes;
  readonly #recorder: Recorder;
  readonly #held = new Map<string, Held>();
  /** Leases found lost at renewal: skipped instead of sent. */
  readonly #revoked = new Set<string>();
  #running = false;
  #closing = false;
  #loop: Promise<void> = Promise.resolve();
  #wake: (() => void) | null = null;
  /** A wake-up came while the loop was not sleeping: the next sleep ends at once. */
  #wokenMeanwhile = false;
  /** performance.now() of the last claim's start. */
  #lastClaimAt = -Infinity;
  #renewTimer: NodeJS.Timeout | null = null;
  #idle: (() => void) | null = null;
  /** The last claim stopped for lack of room: wake it once held work is down to half. */
  #waitingForRoom = false;
  /** Endpoints the last claim skipped as saturated: wake it when one has drained to half its buffer. */
  #waitingForLanes = new Set<string>();
  /** Endpoints with deliveries parked in the store (declined at ingest), taken back as their lanes drain. */
  readonly #parked = new Set<string>();

  constructor(o: EngineOptions) {
    this.#o = o;
    this.#now = o.now ?? Date.now;
    this.leaseMs = o.leaseMs ?? 30_000;
    this.#minClaimIntervalMs = o.minClaimIntervalMs ?? (o.store.shared ? 5 : 0);
    // Bigger buffers (8,192 and 1,024) parked less of the fan-out
    // benchmark's burst (S1: 131–139 → 124–131 µs of CPU per delivery) but
    // let ten slow lanes fill the global cap, so the hand-off declined the
    // healthy endpoint's deliveries too and the claim loop had no room to
    // take them back (S3: healthy p99 30 s). Every lane's buffer must fit in
    // the cap many times over.
    this.#maxHeld = o.maxHeld ?? 4096;
    this.#buffer = o.perEndpointBuffer ?? 256;
    this.#leaseTo.leaseMs = this.leaseMs;
    this.#lanes = new Lanes({
      globalMaxInFlight: o.globalMaxInFlight ?? 512,
      defaultMaxInFlight: o.defaultMaxInFlight ?? 20,
      now: this.#now,
      start: (item) => this.#send(item),
      ...(o.breaker === undefined ? {} : { breaker: o.breaker }),
      onBreaker: (endpointId, change) => {
        if (change.kind === "paused")
          o.logger.warn(
            { endpoint_id: endpointId, failures: change.failures, pause_ms: change.pauseMs },
            "endpoint keeps failing: sends paused, then one probe",
          );
        else o.logger.info({ endpoint_id: endpointId }, "endpoint answered again: sends resumed");
        o.observer?.breaker?.(endpointId, change.kind);
      },
    });
    this.#recorder = new Recorder({
      store: o.store,
      policy: o.health ?? DEFAULT_HEALTH_POLICY,
      now: this.#now,
      onFlushed: (batch, result) => this.#flushed(batch, result),
      onError: (err, batch) => {
        o.logger.error(
          { err, count: batch.length },
          "could not record delivery outcomes; they will be retried after the lease",
        );
        for (const out of batch) this.#held.delete(out.deliveryId);
      },
    });
  }

  /** What the API passes to ingest so new deliveries come here without a claim. */
  get leaseTo(): { owner: string; leaseMs: number; accepts: (endpointId: string) => boolean } {
    return this.#leaseTo;
  }

  /**
   * Hand-off is bounded like claims: a lane that already holds its buffer
   * (an endpoint that hangs or is rate-limited) takes no more, so a slow
   * endpoint's deliveries wait in the store, not in memory (measured: an
   * unbounded hand-off grew to 300+ MB with ten hanging endpoints).
   */
  readonly #leaseTo = {
    owner: this.owner,
    leaseMs: 0,
    accepts: (endpointId: string): boolean => {
      const queued = this.#lanes.queued(endpointId);
      const ok = queued < this.#buffer && (this.#held.size < this.#maxHeld || queued < FAIR_SHARE);
      // Declined: the store parks it (if it can), and the claim loop takes it back.
      if (!ok && this.#o.store.claimParked !== undefined) this.#parked.add(endpointId);
      return ok;
    },
  };

  get heldCount(): number {
    return this.#held.size;
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#loop = this.#claimLoop();
    this.#renewTimer = setInterval(
      () => {
        this.#lanes.sweep();
        void this.#renew();
      },
      Math.max(100, Math.floor(this.leaseMs / 3)),
    );
    this.#renewTimer.unref();
  }

  /** Takes deliveries that were written already leased to this engine (the ingest hand-off). */
  accept(claimed: readonly ClaimedDelivery[]): void {
    if (claimed.length === 0) return;
    if (this.#closing) {
      // Shutting down: give them straight back so another process (or the next start) sends them.
      void this.#o.store.releaseLeases(claimed.map(leaseOf), this.#now());
      return;
    }
    for (const item of claimed) this.#held.set(item.delivery.id, { item, state: "waiting" });
    this.#lanes.push(claimed);
  }

  /** Look for due work now (a resend, a recovery). */
  wake(): void {
    if (this.#wake !== null) this.#wake();
    // Mid-claim, the work that woke us may have committed after the claim's
    // snapshot: look again right after it instead of at the next poll.
    else this.#wokenMeanwhile = true;
  }

  /**
   * An endpoint was edited, disabled or deleted in this process: its waiting
   * deliveries go back to the store, which cancels or re-serves them with the
   * endpoint as it is now.
   */
  endpointChanged(endpointId: string): void {
    const dropped = this.#lanes.drop(endpointId);
    if (dropped.length === 0) return;
    for (const item of dropped) this.#held.delete(item.delivery.id);
    void this.#o.store
      .releaseLeases(dropped.map(leaseOf), this.#now())
      .then(() => this.wake())
      .catch((err: unknown) => this.#o.logger.error({ err }, "could not release leases"));
  }

  /**
   * Graceful stop: claim nothing more, let requests in flight finish (at most
   * `graceMs`), record their outcomes, and give every waiting delivery back.
   */
  async stop(graceMs = 10_000): Promise<void> {
    this.#closing = true;
    this.#running = false;
    if (this.#renewTimer !== null) clearInterval(this.#renewTimer);
    this.wake();
    await this.#loop;
    const waiting = this.#lanes.dropAll();
    for (const item of waiting) this.#held.delete(item.delivery.id);
    if (this.#lanes.inFlight > 0) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, graceMs);
        this.#idle = () => {
          clearTimeout(t);
          resolve();
        };
      });
    }
    await this.#recorder.flush();
    if (waiting.length > 0) await this.#o.store.releaseLeases(waiting.map(leaseOf), this.#now());
    await this.#o.notices?.settle();
    await this.#o.dispatcher.close();
  }

  async #claimLoop(): Promise<void> {
    const batch = this.#o.claimBatch ?? 256;
    const maxHeld = this.#maxHeld;
    const buffer = this.#buffer;
    let failures = 0;
    while (this.#running) {
      // Full (slow lanes hold the whole budget): still claim, a little, for
      // the lanes below their fair share, so those slow endpoints never hold
      // up the others' retries and parked deliveries.
      const full = this.#held.size >= maxHeld;
      const room = full ? FAIR_SHARE : Math.min(batch, maxHeld - this.#held.size);
      const threshold = full ? FAIR_SHARE : buffer;
      this.#lastClaimAt = performance.now();
      let got = 0;
      try {
        got = await this.#unpark(room, threshold);
        const saturated = this.#lanes.saturated(threshold);
        const claimed =
          got < room
            ? await this.#o.store.claimDeliveries({
                owner: this.owner,
                limit: room - got,
                now: this.#now(),
                leaseMs: this.leaseMs,
                excludeEndpointIds: saturated,
              })
            : [];
        this.#waitingForLanes = new Set(saturated);
        failures = 0;
        got += claimed.length;
        if (this.#running) this.accept(claimed);
        else await this.#o.store.releaseLeases(claimed.map(leaseOf), this.#now());
      } catch (err) {
        failures++;
        this.#o.logger.error({ err }, "claim failed");
        // Capped, jittered backoff while the store is unreachable.
        await this.#sleep(Math.min(10_000, 100 * 2 ** failures) * (0.8 + Math.random() * 0.4));
        continue;
      }
      this.#waitingForRoom = full;
      if (got < room || full) await this.#sleep(this.#o.pollMs ?? 250);
    }
  }

  /**
   * Takes back parked deliveries of endpoints whose lanes have drained to
   * half their buffer, at most `room`, oldest first per endpoint. Returns how
   * many it took.
   */
  async #unpark(room: number, buffer: number): Promise<number> {
    const claimParked = this.#o.store.claimParked?.bind(this.#o.store);
    if (claimParked === undefined) return 0;
    let taken = 0;
    for (const endpointId of this.#parked) {
      const queued = this.#lanes.queued(endpointId);
      if (queued > buffer / 2) continue;
      const limit = Math.min(room - taken, buffer - queued);
      if (limit <= 0) break;
      const claimed = await claimParked({
        owner: this.owner,
        endpointId,
        limit,
        now: this.#now(),
        leaseMs: this.leaseMs,
      });
      if (claimed.length < limit) this.#parked.delete(endpointId);
      taken += claimed.length;
      if (this.#running) this.accept(claimed);
      else await this.#o.store.releaseLeases(claimed.map(leaseOf), this.#now());
    }
    return taken;
  }

  /**
   * Wakes the claim loop early only when it is held back by this process's
   * own backpressure and that has eased. Waking it after every send (as
   * first written) ran a claim query per delivery; with a large backlog
   * behind saturated lanes each of those scanned the backlog (measured: 2
   * deliveries/s draining 1,000,000).
   */
  #maybeWake(endpointId: string): void {
    const maxHeld = this.#maxHeld;
    if (this.#waitingForRoom && this.#held.size <= maxHeld / 2) {
      this.#waitingForRoom = false;
      this.wake();
    } else if (
      (this.#waitingForLanes.has(endpointId) || this.#parked.has(endpointId)) &&
      this.#lanes.queued(endpointId) <= this.#buffer / 2
    ) {
      this.#waitingForLanes.delete(endpointId);
      this.wake();
    }
  }

  /** Until `ms` have passed or wake() is called, whichever is first; a wake-up is held back to the claim interval. */
  #sleep(ms: number): Promise<void> {
    if (this.#wokenMeanwhile) {
      this.#wokenMeanwhile = false;
      return this.#untilClaimInterval();
    }
    return new Promise((resolve) => {
      const t = setTimeout(resolve, ms);
      this.#wake = () => {
        this.#wake = null;
        clearTimeout(t);
        void this.#untilClaimInterval().then(resolve);
      };
    });
  }

  #untilClaimInterval(): Promise<void> {
    const wait = this.#lastClaimAt + this.#minClaimIntervalMs - performance.now();
    if (wait <= 0 || this.#closing) return Promise.resolve();
    return new Promise((resolve) => setTimeout(resolve, wait));
  }

  #send(item: ClaimedDelivery): void {
    const id = item.delivery.id;
    const held = this.#held.get(id);
    if (held === undefined || this.#revoked.has(id)) {
      // Dropped or lost its lease while waiting: not ours to send any more.
      this.#revoked.delete(id);
      this.#held.delete(id);
      queueMicrotask(() => this.#lanes.done(item, null));
      return;
    }
    held.state = "in_flight";
    const attemptedAt = this.#now();
    const ended = (res: AttemptResult): void => {
      held.state = "sent";
      try {
        this.#finished(item, res, attemptedAt);
      } catch (err) {
        this.#o.logger.error({ err, delivery_id: id }, "delivery bookkeeping failed");
      }
      this.#lanes.done(item, res.ok);
      if (this.#lanes.inFlight === 0) this.#idle?.();
      this.#maybeWake(item.endpoint.id);
    };
    this.#o.dispatcher
      .send(item.endpoint, item.delivery.eventId, item.body, attemptedAt)
      .then(ended, (err: unknown) => {
        // No answer to record: the secrets could not sign, or the sender
        // thread died with the request out. A failed attempt all the same,
        // retried on schedule (and never left held, leased forever).
        this.#o.logger.error(
          { err, delivery_id: id, endpoint_id: item.endpoint.id },
          "attempt ended without an answer",
        );
        ended(unsentAttempt("network_error"));
      });
  }

  #finished(item: ClaimedDelivery, res: AttemptResult, attemptedAt: number): void {
    const d = item.delivery;
    const outcome: DeliveryOutcome = {
      deliveryId: d.id,
      leaseToken: item.leaseToken,
      endpointId: d.endpointId,
      gone: res.status === 410,
      result: this.#o.retry.decide(d.attemptCount + 1, d.maxAttempts, res, this.#now()),
      attempt: {
        id: newId(ID_PREFIX.attempt),
        deliveryId: d.id,
        attemptedAt,
        durationMs: res.durationMs,
        responseStatus: res.status,
        responseBody: res.body,
        responseHeaders: res.headers,
        requestHeaders: res.requestHeaders,
        error: res.error,
        trigger: d.nextTrigger,
      },
    };
    this.#o.logger.debug(
      { delivery_id: d.id, event_id: d.eventId, endpoint_id: d.endpointId, status: res.status, error: res.error },
      "attempt",
    );
    this.#recorder.add(outcome);
  }

  #flushed(batch: readonly DeliveryOutcome[], result: RecordResult): void {
    for (const out of batch) this.#held.delete(out.deliveryId);
    this.#o.observer?.recorded(batch, result);
    const last = batch[batch.length - 1];
    if (last !== undefined) this.#maybeWake(last.endpointId);
    auditDisabledEndpoints(this.#o.store, result.disabledEndpoints, this.#o.logger);
    for (const e of result.disabledEndpoints) {
      for (const item of this.#lanes.drop(e.id)) this.#held.delete(item.delivery.id);
      this.#o.notices?.notify("webhook_endpoint.disabled", {
        id: e.id,
        object: "webhook_endpoint",
        account: e.accountId,
        url: e.url,
        livemode: e.mode === "live",
        status: e.status,
        disabled_reason: e.disabledReason,
      });
    }
    for (const d of result.exhausted) {
      this.#o.notices?.notify("delivery.exhausted", {
        id: d.id,
        object: "delivery",
        account: d.accountId,
        event_id: d.eventId,
        event_type: d.eventType,
        endpoint_id: d.endpointId,
        livemode: d.mode === "live",
        attempt_count: d.attemptCount,
        last_response_status: d.lastResponseStatus,
      });
    }
  }

  /** Extends the lease of everything held; whatever is no longer ours is not sent. */
  async #renew(): Promise<void> {
    if (this.#held.size === 0) return;
    const leases = [...this.#held.values()].map((h) => leaseOf(h.item));
    try {
      const owned = new Set(await this.#o.store.renewLeases(this.owner, leases, this.#now() + this.leaseMs));
      for (const l of leases) {
        const h = this.#held.get(l.deliveryId);
        if (h?.state === "waiting" && !owned.has(l.deliveryId)) this.#revoked.add(l.deliveryId);
      }
    } catch (err) {
      this.#o.logger.error({ err }, "lease renewal failed");
    }
  }
}

function leaseOf(item: ClaimedDelivery): { deliveryId: string; leaseToken: string } {
  return { deliveryId: item.delivery.id, leaseToken: item.leaseToken };
}
