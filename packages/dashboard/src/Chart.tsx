import type { EndpointStats } from "./api";

const hourOf = (unix: number) => new Date(unix * 1000).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });

/**
 * The endpoint's last 24 hours from GET /v1/webhooks/:id/stats, one column
 * per hour: attempts that succeeded (green) over those that failed (red),
 * and below them the hour's mean latency.
 */
export function Last24h({ stats }: { stats: EndpointStats | null }) {
  if (stats === null) return null;
  const hours = stats.buckets;
  const attempts = hours.reduce((n, h) => n + h.attempts, 0);
  const ok = hours.reduce((n, h) => n + h.succeeded, 0);
  const timed = hours.filter((h) => h.avg_duration_ms !== null);
  const avg =
    attempts === 0 ? null : Math.round(timed.reduce((n, h) => n + (h.avg_duration_ms ?? 0) * h.attempts, 0) / attempts);
  const max = Math.max(1, ...hours.map((h) => h.attempts));
  const slowest = Math.max(1, ...hours.map((h) => h.avg_duration_ms ?? 0));
  const rate =
    attempts === 0
      ? "no attempts"
      : `${Math.round((ok / attempts) * 100)}% of ${attempts} ${attempts === 1 ? "attempt" : "attempts"} succeeded`;
  const summary = `Last 24 hours: ${rate}${avg === null ? "" : `, mean latency ${avg} ms`}`;
  return (
    <figure className="chart">
      <div className="bars" role="img" aria-label={summary}>
        {hours.map((h) => (
          <div
            key={h.start}
            className="bar"
            title={`${hourOf(h.start)}: ${h.succeeded} succeeded, ${h.failed} failed${
              h.avg_duration_ms === null ? "" : `, mean ${h.avg_duration_ms} ms, slowest ${h.max_duration_ms} ms`
            }`}
          >
            <span className="failed" style={{ height: `${(h.failed / max) * 100}%` }} />
            <span className="ok" style={{ height: `${(h.succeeded / max) * 100}%` }} />
          </div>
        ))}
      </div>
      <div className="bars latency" aria-hidden="true">
        {hours.map((h) => (
          <div key={h.start} className="bar">
            <span className="latency" style={{ height: `${((h.avg_duration_ms ?? 0) / slowest) * 100}%` }} />
          </div>
        ))}
      </div>
      <div className="axis" aria-hidden="true">
        <span>{hours[0] ? hourOf(hours[0].start) : ""}</span>
        <span>attempts (green: 2xx, red: failed) · mean latency (blue)</span>
        <span>now</span>
      </div>
      <figcaption>{summary}</figcaption>
    </figure>
  );
}
