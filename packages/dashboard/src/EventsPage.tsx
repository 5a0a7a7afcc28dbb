import { useCallback, useEffect, useState } from "react";
import { api, type Delivery, type HeraldEvent, type List, time } from "./api";
import { DeliveryTable } from "./Deliveries";
import { ErrorMessage } from "./Messages";
import { Pager, usePaged } from "./Pager";

/** Events per page. */
const PAGE_SIZE = 25;

export function EventsPage() {
  const [type, setType] = useState("");
  const [applied, setApplied] = useState("");
  const paged = usePaged<HeraldEvent>(`/v1/events${applied ? `?type=${encodeURIComponent(applied)}` : ""}`, PAGE_SIZE);
  const events = paged.data;
  const error = paged.error;
  const { reload } = paged;
  useEffect(() => {
    reload();
  }, [reload]);

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
      <Pager label="Events" pager={paged.pager} />
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
