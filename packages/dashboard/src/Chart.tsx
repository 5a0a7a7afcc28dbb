import type { Delivery } from "./api";

/**
 * Deliveries of the last 24 hours, per hour: succeeded (green) over failed
 * (red). Built from the newest deliveries the page already loaded (up to
 * 100), so a busy endpoint's older hours are not all counted.
 */
export function Last24h({ deliveries, now = Date.now() }: { deliveries: Delivery[]; now?: number }) {
  const hours = Array.from({ length: 24 }, () => ({ ok: 0, failed: 0 }));
  const start = now / 1000 - 24 * 3600;
  for (const d of deliveries) {
    if (d.created < start) continue;
    const bucket = hours[Math.min(23, Math.floor((d.created - start) / 3600))];
    if (bucket === undefined) continue;
    if (d.status === "succeeded") bucket.ok++;
    else if (d.status === "failed" || d.status === "cancelled") bucket.failed++;
  }
  const ok = hours.reduce((n, h) => n + h.ok, 0);
  const failed = hours.reduce((n, h) => n + h.failed, 0);
  const max = Math.max(1, ...hours.map((h) => h.ok + h.failed));
  const summary = `Last 24 hours: ${ok} succeeded, ${failed} failed`;
  return (
    <figure className="chart">
      <div className="bars" role="img" aria-label={summary}>
        {hours.map((h, i) => (
          <div
            // biome-ignore lint/suspicious/noArrayIndexKey: fixed 24 hourly slots
            key={i}
            className="bar"
            title={`${24 - i}h ago: ${h.ok} succeeded, ${h.failed} failed`}
          >
            <span className="failed" style={{ height: `${(h.failed / max) * 100}%` }} />
            <span className="ok" style={{ height: `${(h.ok / max) * 100}%` }} />
          </div>
        ))}
      </div>
      <figcaption>{summary}</figcaption>
    </figure>
  );
}
