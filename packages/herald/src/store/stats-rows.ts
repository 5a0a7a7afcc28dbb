/**
 * Reads the rows of the endpoint-stats query, which both backends write as
 * one UNION ALL of three kinds: `status` (deliveries of the window per
 * status), `hour` (attempts per hour) and `last` (the newest delivery).
 */
import { type EndpointStats, HOUR_MS } from "../domain/endpoint-stats.js";
import type { DeliveryStatus } from "../domain/types.js";
import type { Row } from "./rows.js";

const orNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

export function toEndpointStats(rows: readonly Row[]): EndpointStats {
  const stats: EndpointStats = {
    deliveries: { pending: 0, succeeded: 0, failed: 0, cancelled: 0 },
    lastDelivery: null,
    buckets: [],
  };
  for (const r of rows) {
    if (r.kind === "status") {
      stats.deliveries[r.key as DeliveryStatus] = Number(r.n);
    } else if (r.kind === "hour") {
      const avg = orNull(r.avg_ms);
      stats.buckets.push({
        start: Number(r.hour) * HOUR_MS,
        attempts: Number(r.n),
        succeeded: Number(r.ok),
        avgDurationMs: avg === null ? null : Math.round(avg),
        maxDurationMs: orNull(r.max_ms),
      });
    } else if (r.kind === "last") {
      stats.lastDelivery = { id: r.key as string, status: r.status as DeliveryStatus, created: Number(r.created) };
    }
  }
  stats.buckets.sort((a, b) => a.start - b.start);
  return stats;
}
