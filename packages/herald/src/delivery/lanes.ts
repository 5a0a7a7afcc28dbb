/**
 * Fair, per-endpoint dispatch. Each endpoint has a lane: its own queue, its
 * own in-flight cap (`max_in_flight`) and rate (`rate_limit`). The pump
 * serves lanes round-robin, one send per lane per turn, so an endpoint that
 * hangs fills only its own slots and every other endpoint keeps moving, and
 * one that keeps failing is paused by its lane's breaker.
 */
import type { ClaimedDelivery } from "../store/store.js";
import { Breaker, type BreakerChange, type BreakerOptions } from "./breaker.js";
import { TokenBucket } from "./token-bucket.js";

export interface LanesOptions {
  /** Requests in flight across all endpoints. */
  globalMaxInFlight: number;
  /** In-flight cap for an endpoint without `max_in_flight`. */
  defaultMaxInFlight: number;
  now: () => number;
  /** Starts one send; must call `lanes.done(item, ok)` when it ends. */
  start: (item: ClaimedDelivery) => void;
  /** When a failing endpoint is paused and resumed. Default: per-lane breakers with their defaults. */
  breaker?: BreakerOptions;
  /** Told when an endpoint's breaker pauses or resumes it. */
  onBreaker?: (endpointId: string, change: NonNullable<BreakerChange>) => void;
}

class Lane {
  readonly queue: ClaimedDelivery[] = [];
  head = 0;
  inFlight = 0;
  inRing = false;
  waiting = false;
  maxInFlight: number;
  bucket: TokenBucket | null = null;
  rate: number | null = null;
  readonly breaker: Breaker;

  constructor(maxInFlight: number, breaker: BreakerOptions | undefined) {
    this.maxInFlight = maxInFlight;
    this.breaker = new Breaker(breaker);
  }

  get queued(): number {
    return this.queue.length - this.head;
  }

  shift(): ClaimedDelivery | undefined {
    const item = this.queue[this.head];
    this.head++;
    // Compact now and then instead of Array#shift on every item (O(n)).
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
    return item;
  }
}

export class Lanes {
  readonly #o: LanesOptions;
  readonly #lanes = new Map<string, Lane>();
  #ring: Lane[] = [];
  #inFlight = 0;

  constructor(o: LanesOptions) {
    this.#o = o;
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  /** Deliveries waiting in the lane of `endpointId` (not yet sent). */
  queued(endpointId: string): number {
    return this.#lanes.get(endpointId)?.queued ?? 0;
  }

  /** Endpoints whose lane holds at least `threshold` waiting deliveries. */
  saturated(threshold: number): string[] {
    const out: string[] = [];
    for (const [id, lane] of this.#lanes) if (lane.queued >= threshold) out.push(id);
    return out;
  }

  push(items: readonly ClaimedDelivery[]): void {
    for (const item of items) {
      const e = item.endpoint;
      let lane = this.#lanes.get(e.id);
      if (lane === undefined) {
        lane = new Lane(e.maxInFlight ?? this.#o.defaultMaxInFlight, this.#o.breaker);
        this.#lanes.set(e.id, lane);
      }
      // The freshest endpoint snapshot decides the lane's limits.
      lane.maxInFlight = e.maxInFlight ?? this.#o.defaultMaxInFlight;
      if (e.rateLimit !== lane.rate) {
        lane.rate = e.rateLimit;
        lane.bucket = e.rateLimit === null ? null : new TokenBucket(e.rateLimit, this.#o.now());
      }
      lane.queue.push(item);
      this.#enqueue(lane);
    }
    this.pump();
  }

  /**
   * Removes waiting deliveries of an endpoint (it was disabled, deleted or
   * changed) and returns them. A changed endpoint starts afresh: its
   * breaker forgets past failures (a fixed URL goes at once).
   */
  drop(endpointId: string): ClaimedDelivery[] {
    const lane = this.#lanes.get(endpointId);
    if (lane === undefined) return [];
    lane.breaker.reset();
    // Not waiting out a pause any more (a rate wait is taken again at the
    // next send; the old timer's wake-up is harmless).
    lane.waiting = false;
    const dropped = lane.queue.slice(lane.head);
    lane.queue.length = 0;
    lane.head = 0;
    return dropped;
  }

  /** Removes and returns every delivery still waiting, in any lane. */
  dropAll(): ClaimedDelivery[] {
    const out: ClaimedDelivery[] = [];
    for (const id of this.#lanes.keys()) out.push(...this.drop(id));
    return out;
  }

  /** A send ended: `ok` is whether it succeeded, null when it was never sent (its lease was lost). */
  done(item: ClaimedDelivery, ok: boolean | null): void {
    this.#inFlight--;
    const lane = this.#lanes.get(item.endpoint.id);
    if (lane !== undefined) {
      lane.inFlight--;
      const change = lane.breaker.ended(item, ok, this.#o.now());
      if (change !== null) this.#o.onBreaker?.(item.endpoint.id, change);
      if (lane.queued > 0) this.#enqueue(lane);
      else if (this.#idle(lane)) this.#lanes.delete(item.endpoint.id);
    }
    this.pump();
  }

  /** Drops idle lanes that have nothing left to remember (call now and then). */
  sweep(): void {
    for (const [id, lane] of this.#lanes) if (this.#idle(lane)) this.#lanes.delete(id);
  }

  /**
   * An idle lane goes, unless its bucket still counts recent sends or its
   * breaker recent failures: a fresh lane starts with a full burst and no
   * failures, so dropping it early let an endpoint whose deliveries trickle
   * in one by one exceed its rate_limit, or fail without ever being paused.
   */
  #idle(lane: Lane): boolean {
    const now = this.#o.now();
    return (
      lane.queued === 0 &&
      lane.inFlight === 0 &&
      !lane.waiting &&
      (lane.bucket?.full(now) ?? true) &&
      lane.breaker.forgettable(now)
    );
  }

  #enqueue(lane: Lane): void {
    if (!lane.inRing && !lane.waiting && lane.inFlight < lane.maxInFlight) {
      lane.inRing = true;
      this.#ring.push(lane);
    }
  }

  pump(): void {
    while (this.#inFlight < this.#o.globalMaxInFlight && this.#ring.length > 0) {
      const lane = this.#ring.shift() as Lane;
      lane.inRing = false;
      if (lane.queued === 0 || lane.inFlight >= lane.maxInFlight) continue;
      const now = this.#o.now();
      // A paused lane waits for its probe time; while its probe is out it
      // leaves the ring, and done() puts it back.
      const pause = lane.breaker.gate(lane.queue[lane.head], now);
      if (pause < 0) continue;
      if (pause > 0) {
        this.#wait(lane, pause);
        continue;
      }
      if (lane.bucket !== null && !lane.bucket.take(now)) {
        this.#wait(lane, lane.bucket.wait(now));
        continue;
      }
      const item = lane.shift() as ClaimedDelivery;
      lane.inFlight++;
      this.#inFlight++;
      if (lane.queued > 0) this.#enqueue(lane);
      this.#o.start(item);
    }
  }

  /** Takes the lane out of the ring for `ms` (its rate or its breaker). */
  #wait(lane: Lane, ms: number): void {
    lane.waiting = true;
    setTimeout(() => {
      lane.waiting = false;
      this.#enqueue(lane);
      this.pump();
    }, ms).unref();
  }
}
