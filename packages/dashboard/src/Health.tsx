import { useCallback, useEffect, useState } from "react";
import { api, type EndpointStats, time } from "./api";

/** How often the endpoints list refreshes its figures, in ms. */
const REFRESH_MS = 5000;

/** Each endpoint's 24 h figures (GET /v1/webhooks/:id/stats), refreshed while the list is shown. */
export function useStats(ids: readonly string[]): Map<string, EndpointStats> {
  const [stats, setStats] = useState(new Map<string, EndpointStats>());
  const key = ids.join(",");
  const load = useCallback(async () => {
    const list = key === "" ? [] : key.split(",");
    const got = await Promise.all(
      list.map((id) => api<EndpointStats>("GET", `/v1/webhooks/${id}/stats`).catch(() => null)),
    );
    setStats(new Map(got.filter((s): s is EndpointStats => s !== null).map((s) => [s.endpoint_id, s])));
  }, [key]);
  useEffect(() => {
    load();
    const t = setInterval(load, REFRESH_MS);
    return () => clearInterval(t);
  }, [load]);
  return stats;
}

export function LastDelivery({ stats }: { stats: EndpointStats | undefined }) {
  const last = stats?.last_delivery;
  if (!last) return <span className="muted">None yet</span>;
  return (
    <span className="health">
      <span className={`badge ${last.status}`}>{last.status}</span>
      <small>{time(last.created)}</small>
    </span>
  );
}

export function SuccessRate({ stats }: { stats: EndpointStats | undefined }) {
  if (!stats) return <span className="muted">—</span>;
  const d = stats.deliveries;
  if (stats.success_rate === null) return <span className="muted">No finished deliveries</span>;
  return (
    <span className="health">
      {formatRate(stats.success_rate)}
      <small>
        {d.succeeded} of {d.succeeded + d.failed}
      </small>
    </span>
  );
}

/** 1 → "100%", 0.987 → "98.7%": one decimal, without a trailing ".0". */
export const formatRate = (rate: number) => `${Number((rate * 100).toFixed(1))}%`;
