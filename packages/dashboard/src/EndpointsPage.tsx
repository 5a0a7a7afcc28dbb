import { useCallback, useEffect, useMemo, useState } from "react";
import { api, type Endpoint, type EventType, type List } from "./api";
import { Dialog, SecretDialog } from "./Dialog";
import { LastDelivery, SuccessRate, useStats } from "./Health";
import { ErrorMessage, Notice } from "./Messages";

type Modal =
  | { kind: "create" }
  | { kind: "edit"; endpoint: Endpoint }
  | { kind: "secret"; secret: string }
  | { kind: "rotate"; endpoint: Endpoint }
  | { kind: "delete"; endpoint: Endpoint }
  | null;

export function EndpointsPage({ onOpen }: { onOpen: (id: string) => void }) {
  const [endpoints, setEndpoints] = useState<Endpoint[] | null>(null);
  const [modal, setModal] = useState<Modal>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const stats = useStats(useMemo(() => (endpoints ?? []).map((ep) => ep.id), [endpoints]));

  const load = useCallback(async () => {
    try {
      setEndpoints((await api<List<Endpoint>>("GET", "/v1/webhooks?limit=100")).data);
    } catch (err) {
      setError((err as Error).message);
    }
  }, []);
  useEffect(() => {
    load();
  }, [load]);

  const act = async (what: () => Promise<unknown>, done: string) => {
    setError(null);
    setNotice(null);
    try {
      await what();
      setNotice(done);
      await load();
    } catch (err) {
      setError((err as Error).message);
    }
  };

  return (
    <section>
      <div className="page-head">
        <h1>Endpoints</h1>
        <button type="button" className="primary" onClick={() => setModal({ kind: "create" })}>
          Add endpoint
        </button>
      </div>
      <Notice message={notice} />
      <ErrorMessage message={error} />
      {endpoints !== null && endpoints.length === 0 && (
        <div className="empty">
          <p>No endpoints yet. Add one to start receiving events.</p>
        </div>
      )}
      {endpoints !== null && endpoints.length > 0 && (
        <table>
          <thead>
            <tr>
              <th>URL</th>
              <th>Description</th>
              <th>Status</th>
              <th>Events</th>
              <th>Last delivery</th>
              <th>Success rate (24 h)</th>
              <th>Actions</th>
            </tr>
          </thead>
          <tbody>
            {endpoints.map((ep) => (
              <tr key={ep.id}>
                <td data-label="URL">
                  <button type="button" className="link url" onClick={() => onOpen(ep.id)}>
                    {ep.url}
                  </button>
                </td>
                <td data-label="Description">{ep.description ?? ""}</td>
                <td data-label="Status">
                  <span className={`badge ${ep.status}`}>{ep.status === "enabled" ? "Enabled" : "Disabled"}</span>
                  {ep.status === "disabled" && ep.disabled_reason ? (
                    <span className="reason"> ({ep.disabled_reason})</span>
                  ) : null}
                </td>
                <td data-label="Events">{ep.enabled_events.join(", ")}</td>
                <td data-label="Last delivery">
                  <LastDelivery stats={stats.get(ep.id)} />
                </td>
                <td data-label="Success rate (24 h)">
                  <SuccessRate stats={stats.get(ep.id)} />
                </td>
                <td data-label="Actions" className="row-actions">
                  <button type="button" onClick={() => setModal({ kind: "edit", endpoint: ep })}>
                    Edit webhook
                  </button>
                  <button
                    type="button"
                    onClick={() =>
                      act(
                        () =>
                          api("PATCH", `/v1/webhooks/${ep.id}`, {
                            status: ep.status === "enabled" ? "disabled" : "enabled",
                          }),
                        ep.status === "enabled" ? "Endpoint disabled." : "Endpoint enabled.",
                      )
                    }
                  >
                    {ep.status === "enabled" ? "Disable webhook" : "Enable webhook"}
                  </button>
                  <button type="button" onClick={() => setModal({ kind: "rotate", endpoint: ep })}>
                    Rotate secret
                  </button>
                  <button
                    type="button"
                    onClick={() => act(() => api("POST", `/v1/webhooks/${ep.id}/test`, {}), "Test event sent.")}
                  >
                    Send test event
                  </button>
                  <button type="button" className="danger" onClick={() => setModal({ kind: "delete", endpoint: ep })}>
                    Delete webhook
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {(modal?.kind === "create" || modal?.kind === "edit") && (
        <EndpointForm
          endpoint={modal.kind === "edit" ? modal.endpoint : null}
          onClose={() => setModal(null)}
          onSaved={async (ep) => {
            await load();
            setModal(ep.secret ? { kind: "secret", secret: ep.secret } : null);
            if (!ep.secret) setNotice("Endpoint updated.");
          }}
        />
      )}
      {modal?.kind === "secret" && <SecretDialog secret={modal.secret} onClose={() => setModal(null)} />}
      {modal?.kind === "rotate" && (
        <RotateDialog
          endpoint={modal.endpoint}
          onClose={() => setModal(null)}
          onRotated={(secret) => setModal({ kind: "secret", secret })}
        />
      )}
      {modal?.kind === "delete" && (
        <DeleteDialog
          endpoint={modal.endpoint}
          onClose={() => setModal(null)}
          onDeleted={async () => {
            setModal(null);
            setNotice("Endpoint deleted.");
            await load();
          }}
        />
      )}
    </section>
  );
}

const SCHEMES = ["standard", "stripe", "hmac-timestamp", "hmac"];

function EndpointForm(props: { endpoint: Endpoint | null; onClose: () => void; onSaved: (ep: Endpoint) => void }) {
  const editing = props.endpoint;
  const [url, setUrl] = useState(editing?.url ?? "");
  const [description, setDescription] = useState(editing?.description ?? "");
  const [scheme, setScheme] = useState(editing?.signature_scheme ?? "standard");
  const [selected, setSelected] = useState<Set<string>>(new Set(editing?.enabled_events ?? []));
  const [types, setTypes] = useState<EventType[]>([]);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    api<List<EventType>>("GET", "/v1/event_types").then(
      (l) => setTypes(l.data),
      (err) => setError((err as Error).message),
    );
  }, []);
  const groups = useMemo(() => {
    const map = new Map<string, EventType[]>();
    for (const t of types) map.set(t.group, [...(map.get(t.group) ?? []), t]);
    return [...map.entries()];
  }, [types]);

  const toggle = (names: string[], on: boolean) =>
    setSelected((prev) => {
      const next = new Set(prev);
      for (const n of names) {
        if (on) next.add(n);
        else next.delete(n);
      }
      return next;
    });

  const save = async (e: React.FormEvent) => {
    e.preventDefault();
    setError(null);
    if (selected.size === 0) {
      setError("Select at least one event.");
      return;
    }
    const body: Record<string, unknown> = { url, description, enabled_events: [...selected] };
    try {
      if (editing) props.onSaved(await api<Endpoint>("PATCH", `/v1/webhooks/${editing.id}`, body));
      else props.onSaved(await api<Endpoint>("POST", "/v1/webhooks", { ...body, signature_scheme: scheme }));
    } catch (err) {
      setError((err as Error).message);
    }
  };

  const checkbox = (t: EventType) => (
    <label key={t.name} className="check" title={t.description}>
      <input type="checkbox" checked={selected.has(t.name)} onChange={(e) => toggle([t.name], e.target.checked)} />
      {t.name}
    </label>
  );

  return (
    <Dialog title={editing ? "Edit endpoint" : "Add endpoint"} onClose={props.onClose} side>
      <form onSubmit={save} className="form">
        <label htmlFor="ep-url">Endpoint URL</label>
        <input
          id="ep-url"
          type="url"
          required
          placeholder="https://example.com/webhooks"
          value={url}
          onChange={(e) => setUrl(e.target.value)}
        />
        <label htmlFor="ep-description">Description</label>
        <input id="ep-description" value={description} onChange={(e) => setDescription(e.target.value)} />
        {!editing && (
          <>
            <label htmlFor="ep-scheme">Signature scheme</label>
            <select id="ep-scheme" value={scheme} onChange={(e) => setScheme(e.target.value)}>
              {SCHEMES.map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </select>
          </>
        )}
        <fieldset>
          <legend>Recommended</legend>
          {types.filter((t) => t.recommended).map(checkbox)}
        </fieldset>
        <fieldset>
          <legend>Advanced</legend>
          {groups.map(([group, list]) => {
            const names = list.map((t) => t.name);
            const all = names.every((n) => selected.has(n));
            return (
              <fieldset key={group} className="group">
                <legend>{group}</legend>
                <label className="check select-all">
                  <input
                    type="checkbox"
                    aria-label={`Select all ${group}`}
                    checked={all}
                    onChange={(e) => toggle(names, e.target.checked)}
                  />
                  Select all
                </label>
                {list.filter((t) => !t.recommended).map(checkbox)}
              </fieldset>
            );
          })}
        </fieldset>
        <p className="hint">{selected.size} event(s) selected</p>
        <ErrorMessage message={error} />
        <div className="actions">
          <button type="button" onClick={props.onClose}>
            Cancel
          </button>
          <button type="submit" className="primary">
            {editing ? "Save changes" : "Add endpoint"}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function RotateDialog(props: { endpoint: Endpoint; onClose: () => void; onRotated: (secret: string) => void }) {
  const [expires, setExpires] = useState("86400");
  const [error, setError] = useState<string | null>(null);
  const rotate = async (e: React.FormEvent) => {
    e.preventDefault();
    try {
      const ep = await api<Endpoint>("POST", `/v1/webhooks/${props.endpoint.id}/rotate_secret`, {
        expires_in: Number(expires),
      });
      props.onRotated(ep.secret ?? "");
    } catch (err) {
      setError((err as Error).message);
    }
  };
  return (
    <Dialog title="Rotate secret" onClose={props.onClose}>
      <form onSubmit={rotate} className="form">
        <label htmlFor="rotate-expiry">Old secret expires</label>
        <select id="rotate-expiry" value={expires} onChange={(e) => setExpires(e.target.value)}>
          <option value="0">Now</option>
          <option value="3600">In 1 hour</option>
          <option value="86400">In 24 hours</option>
        </select>
        <ErrorMessage message={error} />
        <div className="actions">
          <button type="button" onClick={props.onClose}>
            Cancel
          </button>
          <button type="submit" className="primary">
            Rotate
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function DeleteDialog(props: { endpoint: Endpoint; onClose: () => void; onDeleted: () => void }) {
  const [typed, setTyped] = useState("");
  const [error, setError] = useState<string | null>(null);
  const del = async (e: React.FormEvent) => {
    e.preventDefault();
    try {
      await api("DELETE", `/v1/webhooks/${props.endpoint.id}`);
      props.onDeleted();
    } catch (err) {
      setError((err as Error).message);
    }
  };
  return (
    <Dialog title="Delete webhook" onClose={props.onClose}>
      <form onSubmit={del} className="form">
        <p>
          This stops all deliveries to <code>{props.endpoint.url}</code>. It cannot be undone.
        </p>
        <label htmlFor="delete-confirm">Type the endpoint URL to confirm</label>
        <input id="delete-confirm" value={typed} onChange={(e) => setTyped(e.target.value)} autoComplete="off" />
        <ErrorMessage message={error} />
        <div className="actions">
          <button type="button" onClick={props.onClose}>
            Cancel
          </button>
          <button type="submit" className="danger" disabled={typed !== props.endpoint.url}>
            Delete webhook
          </button>
        </div>
      </form>
    </Dialog>
  );
}
