/**
 * An endpoint's recent health, as the dashboard shows it: how its recent
 * deliveries ended and, hour by hour, how its attempts went.
 */
import type { DeliveryStatus } from "./types.js";

export const HOUR_MS = 3_600_000;

/** One hour of attempts. */
export interface StatsBucket {
  /** Start of the hour (ms). */
  start: number;
  attempts: number;
  /** Attempts answered with a 2xx. */
  succeeded: number;
  /** Mean attempt duration, null without attempts. */
  avgDurationMs: number | null;
  maxDurationMs: number | null;
}

/** What one aggregate query of the store answers. */
export interface EndpointStats {
  /** Deliveries created since the window's start, by status. */
  deliveries: Record<DeliveryStatus, number>;
  /** The endpoint's newest delivery, whenever it was created. */
  lastDelivery: { id: string; status: DeliveryStatus; created: number } | null;
  /** Hours that had attempts (of the window's deliveries), oldest first; hours without any are absent. */
  buckets: StatsBucket[];
}

/** Every hour from the one holding `since` to the one holding `now`, the empty ones as zeros. */
export function fillBuckets(sparse: readonly StatsBucket[], since: number, now: number): StatsBucket[] {
  const byStart = new Map(sparse.map((b) => [b.start, b]));
  const out: StatsBucket[] = [];
  for (let start = Math.floor(since / HOUR_MS) * HOUR_MS; start <= now; start += HOUR_MS) {
    out.push(byStart.get(start) ?? { start, attempts: 0, succeeded: 0, avgDurationMs: null, maxDurationMs: null });
  }
  return out;
}

/** Succeeded out of finished (succeeded + failed) deliveries; null when none has finished. */
export function successRate(deliveries: EndpointStats["deliveries"]): number | null {
  const finished = deliveries.succeeded + deliveries.failed;
  return finished === 0 ? null : deliveries.succeeded / finished;
}
