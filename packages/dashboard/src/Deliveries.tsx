import { useEffect, useState } from "react";
import { api, type Delivery, type HeraldEvent, time } from "./api";
import { Dialog } from "./Dialog";
import { ErrorMessage } from "./Messages";

/** A table of deliveries with a Resend button and a drawer per delivery. */
export function DeliveryTable({ deliveries, onChanged }: { deliveries: Delivery[]; onChanged: () => void }) {
  const [open, setOpen] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const resend = async (id: string) => {
    setError(null);
    try {
      await api("POST", `/v1/deliveries/${id}/resend`);
      onChanged();
    } catch (err) {
      setError((err as Error).message);
    }
  };
  if (deliveries.length === 0) return <p className="empty">No deliveries.</p>;
  return (
    <>
      <ErrorMessage message={error} />
      <table>
        <thead>
          <tr>
            <th>Event type</th>
            <th>Status</th>
            <th>HTTP code</th>
            <th>Attempts</th>
            <th>Time</th>
            <th>Actions</th>
          </tr>
        </thead>
        <tbody>
          {deliveries.map((d) => (
            <tr key={d.id}>
              <td data-label="Event type">{d.event_type}</td>
              <td data-label="Status">
                <span className={`badge ${d.status}`}>{d.status}</span>
              </td>
              <td data-label="HTTP code">{d.last_response_status ?? "—"}</td>
              <td data-label="Attempts">
                {d.attempt_count} of {d.max_attempts}
              </td>
              <td data-label="Time">{time(d.created)}</td>
              <td data-label="Actions" className="row-actions">
                <button type="button" onClick={() => setOpen(d.id)} aria-label={`Details of ${d.id}`}>
                  Details
                </button>
                <button type="button" onClick={() => resend(d.id)}>
                  Resend
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {open && <DeliveryDrawer id={open} onClose={() => setOpen(null)} />}
    </>
  );
}

function DeliveryDrawer({ id, onClose }: { id: string; onClose: () => void }) {
  const [delivery, setDelivery] = useState<Delivery | null>(null);
  const [event, setEvent] = useState<HeraldEvent | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api<Delivery>("GET", `/v1/deliveries/${id}`)
      .then(async (d) => {
        setDelivery(d);
        setEvent(await api<HeraldEvent>("GET", `/v1/events/${d.event_id}`).catch(() => null));
      })
      .catch((err) => setError((err as Error).message));
  }, [id]);
  // The newest attempt that sent a request: its signature and timestamp are the latest.
  const requestHeaders = delivery?.attempts?.find((a) => a.request_headers)?.request_headers ?? null;
  return (
    <Dialog title={`Delivery ${id}`} onClose={onClose} side>
      <ErrorMessage message={error} />
      {delivery && (
        <>
          <p>
            <span className={`badge ${delivery.status}`}>{delivery.status}</span> {delivery.event_type} ·{" "}
            {delivery.attempt_count} of {delivery.max_attempts} attempts · next {time(delivery.next_attempt_at)}
          </p>
          <h3>Request headers</h3>
          {requestHeaders ? <Headers label="Request headers" headers={requestHeaders} /> : <p>No request sent yet.</p>}
          <h3>Request body</h3>
          <pre className="code">{event ? JSON.stringify(event, null, 2) : "(event no longer stored)"}</pre>
          <h3>Attempts</h3>
          {(delivery.attempts ?? []).length === 0 && <p>No attempts yet.</p>}
          <ol className="attempts">
            {(delivery.attempts ?? []).map((a) => (
              <li key={a.id} aria-label={`Attempt ${a.id}`}>
                <p>
                  <strong>{a.response_status ?? "no response"}</strong> · {a.duration_ms} ms · {a.trigger} ·{" "}
                  {time(a.attempted_at)}
                </p>
                {a.error && <p className="error">Error: {a.error}</p>}
                {a.response_headers && (
                  <details>
                    <summary>Response headers</summary>
                    <Headers label={`Response headers of ${a.id}`} headers={a.response_headers} />
                  </details>
                )}
                {a.request_headers && (
                  <details>
                    <summary>Request headers</summary>
                    <Headers label={`Request headers of ${a.id}`} headers={a.request_headers} />
                  </details>
                )}
                <pre className="code response-body">{a.response_body ?? ""}</pre>
              </li>
            ))}
          </ol>
        </>
      )}
    </Dialog>
  );
}

/** Header names and values as text (never markup), sorted by name. */
function Headers({ label, headers }: { label: string; headers: Record<string, string> }) {
  return (
    <dl className="headers" aria-label={label}>
      {Object.entries(headers)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([name, value]) => (
          <div key={name} style={{ display: "contents" }}>
            <dt>{name}</dt>
            <dd>{value}</dd>
          </div>
        ))}
    </dl>
  );
}
