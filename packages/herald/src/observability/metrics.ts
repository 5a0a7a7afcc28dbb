/**
 * Herald's Prometheus metrics (served at `GET /metrics`). One registry per
 * server, not prom-client's global one, so several servers in one process
 * (tests, embedding) keep separate counts.
 *
 * The hot path only increments counters and observes a histogram; the gauges
 * that need the store (queue depth, oldest due age) query it when scraped.
 * Process metrics (CPU, memory, event loop) describe the process, not a
 * server: they live in one registry per process, created on first use, since
 * each collection of them starts its own event-loop monitor that never stops.
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { Mode } from "../domain/types.js";
import type { DeliveryOutcome, RecordResult, Store } from "../store/store.js";

export interface MetricsOptions {
  /** Read on scrape for queue depth and the oldest due delivery's age. */
  store: Store;
  /** Also export prom-client's process metrics (CPU, memory, event loop lag, GC). Default true. */
  processMetrics?: boolean;
  /** Clock in unix ms. Default Date.now. */
  now?: () => number;
}

/** Seconds; from a fast loopback receiver to the 5 s default timeout and past it. */
const ATTEMPT_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export class HeraldMetrics {
  readonly registry = new Registry();
  readonly #deliveries: Counter<"outcome" | "error_class">;
  readonly #attemptSeconds: Histogram<"outcome">;
  readonly #ingested: Counter<"mode">;
  readonly #disabled: Counter<"reason">;
  readonly #breaker: Counter<"change">;
  readonly #process: boolean;

  constructor(o: MetricsOptions) {
    const now = o.now ?? Date.now;
    const registers = [this.registry];
    this.#deliveries = new Counter({
      name: "herald_deliveries_total",
      help: "Delivery attempts recorded, by outcome (succeeded, retry, failed) and error class (none on success).",
      labelNames: ["outcome", "error_class"],
      registers,
    });
    this.#attemptSeconds = new Histogram({
      name: "herald_attempt_duration_seconds",
      help: "Duration of one delivery attempt: connect, send, and read the first 4 KiB of the answer.",
      labelNames: ["outcome"],
      buckets: ATTEMPT_BUCKETS,
      registers,
    });
    this.#ingested = new Counter({
      name: "herald_events_ingested_total",
      help: "Events accepted and stored (202), by mode; a repeated event id is not counted again.",
      labelNames: ["mode"],
      registers,
    });
    this.#disabled = new Counter({
      name: "herald_endpoints_disabled_total",
      help: "Endpoints Herald disabled by itself: gone (the receiver answered 410) or failing (auto-disable).",
      labelNames: ["reason"],
      registers,
    });
    this.#breaker = new Counter({
      name: "herald_endpoint_breaker_total",
      help: "Sends to an endpoint that keeps failing paused (again after each failed probe), or resumed after a success.",
      labelNames: ["change"],
      registers,
    });
    const store = o.store;
    new Gauge({
      name: "herald_queue_depth",
      help: "Pending deliveries due now and not leased to a worker (the backlog across every process).",
      registers,
      async collect() {
        this.set(await orNaN(store.countDue(now())));
      },
    });
    new Gauge({
      name: "herald_oldest_due_age_seconds",
      help: "How long the longest-waiting due delivery has been due; 0 when nothing is due.",
      registers,
      async collect() {
        const t = now();
        const at = await orNaN(store.oldestDueAt(t));
        this.set(at === null ? 0 : Math.max(0, (t - at) / 1000));
      },
    });
    // Start every series at 0 so rate() and absent() work before the first event.
    for (const mode of ["test", "live"]) this.#ingested.inc({ mode }, 0);
    for (const reason of ["gone", "failing"]) this.#disabled.inc({ reason }, 0);
    for (const change of ["paused", "resumed"]) this.#breaker.inc({ change }, 0);
    this.#process = o.processMetrics ?? true;
    // Started now, not at the first scrape, so GC counts and event-loop lag cover the whole run.
    if (this.#process) processRegistry();
  }

  /** An event was stored (not a duplicate id). */
  eventIngested(mode: Mode): void {
    this.#ingested.inc({ mode });
  }

  /**
   * A batch of outcomes committed (the engine's observer). Outcomes whose
   * lease was lost were not applied and are not counted: another worker
   * sends and counts them.
   */
  recorded(outcomes: readonly DeliveryOutcome[], result: RecordResult): void {
    const applied = result.applied.length === outcomes.length ? null : new Set(result.applied);
    for (const out of outcomes) {
      if (applied !== null && !applied.has(out.deliveryId)) continue;
      const outcome = out.result.kind;
      this.#deliveries.inc({ outcome, error_class: out.attempt.error ?? "none" });
      this.#attemptSeconds.observe({ outcome }, out.attempt.durationMs / 1000);
    }
    for (const e of result.disabledEndpoints) {
      this.#disabled.inc({ reason: e.disabledReason === "gone" ? "gone" : "failing" });
    }
  }

  /** An endpoint's breaker paused or resumed its sends (the engine's observer). */
  breaker(change: "paused" | "resumed"): void {
    this.#breaker.inc({ change });
  }

  /** The text exposition format and its content type. */
  async exposition(): Promise<{ contentType: string; body: string }> {
    const own = await this.registry.metrics();
    const body = this.#process ? `${own.endsWith("\n") ? own : `${own}\n`}${await processRegistry().metrics()}` : own;
    return { contentType: this.registry.contentType, body };
  }
}

/**
 * A store that cannot be reached reads as NaN instead of failing the whole
 * scrape: the counters and process metrics still arrive, `up` stays 1, and
 * `/healthz` is what reports the store.
 */
async function orNaN<T>(query: Promise<T>): Promise<T | number> {
  try {
    return await query;
  } catch {
    return Number.NaN;
  }
}

let shared: Registry | null = null;

function processRegistry(): Registry {
  if (shared === null) {
    shared = new Registry();
    collectDefaultMetrics({ register: shared, prefix: "herald_" });
  }
  return shared;
}
