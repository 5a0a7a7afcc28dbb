import { useCallback, useEffect, useState } from "react";
import { api, type Delivery, type HeraldEvent, type List, time } from "./api";
import { DeliveryTable } from "./Deliveries";
import { ErrorMessage } from "./Messages";

export function EventsPage() {
  const [events, setEvents] = useState<HeraldEvent[] | null>(null);
  const [type, setType] = useState("");
  const [applied, setApplied] = useState("");
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      const q = applied ? `&type=${encodeURIComponent(applied)}` : "";
      setEvents((await api<List<HeraldEvent>>("GET", `/v1/events?limit=50${q}`)).data);
      setError(null);
    } catch (err) {
      setError((err as Error).message);
    }
  }, [applied]);
  useEffect(() => {
    load();
  }, [load]);

  return (
    <section>
      <h1>Events</h1>
      <form
        className="toolbar"
        onSubmit={(e) => {
          e.preventDefault();
          setApplied(type.trim());
        }}
      >
        <label htmlFor="type-filter">Event type</label>
        <input id="type-filter" placeholder="payment.*" value={type} onChange={(e) => setType(e.target.value)} />
        <button type="submit">Filter</button>
      </form>
      <ErrorMessage message={error} />
      {events !== null && events.length === 0 && <p className="empty">No events.</p>}
      <ul className="events">
        {(events ?? []).map((ev) => (
          <EventRow key={ev.id} event={ev} />
        ))}
      </ul>
    </section>
  );
}

function EventRow({ event }: { event: HeraldEvent }) {
  const [deliveries, setDeliveries] = useState<Delivery[] | null>(null);
  const load = useCallback(async () => {
    setDeliveries((await api<List<Delivery>>("GET", `/v1/deliveries?limit=50&event_id=${event.id}`)).data);
  }, [event.id]);
  return (
    <li aria-label={`Event ${event.id}`}>
      <div className="event-head">
        <strong>{event.type}</strong> <code>{event.id}</code> <span>{time(event.created)}</span>
        <button
          type="button"
          aria-expanded={deliveries !== null}
          onClick={() => (deliveries === null ? load() : setDeliveries(null))}
        >
          {deliveries === null ? "Show deliveries" : "Hide deliveries"}
        </button>
      </div>
      {deliveries !== null && <DeliveryTable deliveries={deliveries} onChanged={load} />}
    </li>
  );
}
