import { useCallback, useEffect, useState } from "react";
import { api, type Delivery, type Endpoint, type EndpointStats } from "./api";
import { Last24h } from "./Chart";
import { DeliveryTable } from "./Deliveries";
import { ErrorMessage, Notice } from "./Messages";
import { Pager, usePaged } from "./Pager";

/** Deliveries per page of the endpoint page. */
const PAGE_SIZE = 25;

export function EndpointPage({ id, onBack }: { id: string; onBack: () => void }) {
  const [endpoint, setEndpoint] = useState<Endpoint | null>(null);
  const [stats, setStats] = useState<EndpointStats | null>(null);
  const [status, setStatus] = useState("");
  const [since, setSince] = useState("");
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const deliveries = usePaged<Delivery>(
    `/v1/webhooks/${id}/deliveries${status ? `?status=${encodeURIComponent(status)}` : ""}`,
    PAGE_SIZE,
  );
  const reloadDeliveries = deliveries.reload;
  const load = useCallback(async () => {
    try {
      setEndpoint(await api<Endpoint>("GET", `/v1/webhooks/${id}`));
      setStats(await api<EndpointStats>("GET", `/v1/webhooks/${id}/stats`));
      await reloadDeliveries();
    } catch (err) {
      setError((err as Error).message);
    }
  }, [id, reloadDeliveries]);
  useEffect(() => {
    load();
    const t = setInterval(load, 2000);
    return () => clearInterval(t);
  }, [load]);

  const recover = async (e: React.FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      const sinceUnix = Math.floor(new Date(since).getTime() / 1000);
      const r = await api<{ count: number }>("POST", `/v1/webhooks/${id}/recover`, { since: sinceUnix });
      setNotice(`${r.count} deliveries queued again.`);
      load();
    } catch (err) {
      setError((err as Error).message);
    }
  };

  return (
    <section>
      <button type="button" className="link" onClick={onBack}>
        ← Back to endpoints
      </button>
      <h1 className="url">{endpoint?.url ?? id}</h1>
      {endpoint && (
        <p>
          <span className={`badge ${endpoint.status}`}>{endpoint.status === "enabled" ? "Enabled" : "Disabled"}</span>{" "}
          {endpoint.description} · {endpoint.enabled_events.join(", ")} · {endpoint.signature_scheme}
        </p>
      )}
      <Notice message={notice} />
      <ErrorMessage message={error ?? deliveries.error} />
      <div className="toolbar">
        <label htmlFor="status-filter">Status</label>
        <select id="status-filter" value={status} onChange={(e) => setStatus(e.target.value)}>
          <option value="">All</option>
          <option value="pending">Pending</option>
          <option value="succeeded">Succeeded</option>
          <option value="failed">Failed</option>
          <option value="cancelled">Cancelled</option>
        </select>
        <form onSubmit={recover} className="inline">
          <label htmlFor="recover-since">Recover failed deliveries since…</label>
          <input
            id="recover-since"
            type="datetime-local"
            required
            value={since}
            onChange={(e) => setSince(e.target.value)}
          />
          <button type="submit">Recover</button>
        </form>
      </div>
      <Last24h stats={stats} />
      <h2>Deliveries</h2>
      {deliveries.data !== null && <DeliveryTable deliveries={deliveries.data} onChanged={load} />}
      <Pager label="Deliveries" pager={deliveries.pager} />
    </section>
  );
}
