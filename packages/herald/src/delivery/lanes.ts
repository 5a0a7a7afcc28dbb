/**
 * Fair, per-endpoint dispatch. Each endpoint has a lane: its own queue, its
 * own in-flight cap (`max_in_flight`) and rate (`rate_limit`). The pump
 * serves lanes round-robin, one send per lane per turn, so an endpoint that
 * hangs fills only its own slots and every other endpoint keeps moving.
 */
import type { ClaimedDelivery } from "../store/store.js";
import { TokenBucket } from "./token-bucket.js";

export interface LanesOptions {
  /** Requests in flight across all endpoints. */
  globalMaxInFlight: number;
  /** In-flight cap for an endpoint without `max_in_flight`. */
  defaultMaxInFlight: number;
  now: () => number;
  /** Starts one send; must call `lanes.done(item)` when it ends. */
  start: (item: ClaimedDelivery) => void;
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

  constructor(maxInFlight: number) {
    this.maxInFlight = maxInFlight;
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
        lane = new Lane(e.maxInFlight ?? this.#o.defaultMaxInFlight);
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

  /** Removes waiting deliveries of an endpoint (it was disabled, deleted or changed) and returns them. */
  drop(endpointId: string): ClaimedDelivery[] {
    const lane = this.#lanes.get(endpointId);
    if (lane === undefined) return [];
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

  done(item: ClaimedDelivery): void {
    this.#inFlight--;
    const lane = this.#lanes.get(item.endpoint.id);
    if (lane !== undefined) {
      lane.inFlight--;
      if (lane.queued > 0) this.#enqueue(lane);
      // An idle lane goes, unless its bucket still counts recent sends: a
      // fresh lane starts with a full burst, so dropping it early let an
      // endpoint whose deliveries trickle in one by one exceed its rate_limit.
      else if (lane.inFlight === 0 && !lane.waiting && (lane.bucket?.full(this.#o.now()) ?? true))
        this.#lanes.delete(item.endpoint.id);
    }
    this.pump();
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
      if (lane.bucket !== null && !lane.bucket.take(this.#o.now())) {
        const wait = lane.bucket.wait(this.#o.now());
        lane.waiting = true;
        setTimeout(() => {
          lane.waiting = false;
          this.#enqueue(lane);
          this.pump();
        }, wait).unref();
        continue;
      }
      const item = lane.shift() as ClaimedDelivery;
      lane.inFlight++;
      this.#inFlight++;
      if (lane.queued > 0) this.#enqueue(lane);
      this.#o.start(item);
    }
  }
}
