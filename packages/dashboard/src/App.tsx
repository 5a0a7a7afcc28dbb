import { useCallback, useEffect, useState } from "react";
import { ApiError, api, type Mode, type Session, setCsrf } from "./api";
import { EndpointPage } from "./EndpointPage";
import { EndpointsPage } from "./EndpointsPage";
import { EventsPage } from "./EventsPage";
import { ErrorMessage } from "./Messages";

export type View = { page: "endpoints" } | { page: "endpoint"; id: string } | { page: "events" };

export function App() {
  const [session, setSession] = useState<Session | null | "loading">("loading");
  const [view, setView] = useState<View>({ page: "endpoints" });
  const [error, setError] = useState<string | null>(null);

  const adopt = useCallback((s: Session) => {
    setCsrf(s.csrf_token);
    setSession(s);
  }, []);

  useEffect(() => {
    api<Session>("GET", "/v1/dashboard/session").then(adopt, () => setSession(null));
  }, [adopt]);

  if (session === "loading") return <p className="loading">Loading…</p>;
  if (session === null) return <SignIn onSignedIn={adopt} />;

  const switchMode = async (mode: Mode) => {
    setError(null);
    try {
      adopt(await api<Session>("POST", "/v1/dashboard/session", { mode }));
      setView({ page: view.page === "events" ? "events" : "endpoints" });
    } catch (err) {
      setError((err as Error).message);
    }
  };
  const signOut = async () => {
    await api("DELETE", "/v1/dashboard/session").catch(() => undefined);
    setSession(null);
  };
  const test = session.mode === "test";

  return (
    <div className={test ? "app test-mode" : "app"}>
      <header className="top">
        <strong className="brand">Herald</strong>
        <span className="account">{session.account.name}</span>
        <nav aria-label="Main">
          <button
            type="button"
            className="link"
            aria-current={view.page !== "events" ? "page" : undefined}
            onClick={() => setView({ page: "endpoints" })}
          >
            Endpoints
          </button>
          <button
            type="button"
            className="link"
            aria-current={view.page === "events" ? "page" : undefined}
            onClick={() => setView({ page: "events" })}
          >
            Events
          </button>
        </nav>
        <label className="switch">
          <input
            type="checkbox"
            role="switch"
            checked={test}
            aria-checked={test}
            onChange={(e) => switchMode(e.target.checked ? "test" : "live")}
          />
          Test mode
        </label>
        <button type="button" onClick={signOut}>
          Sign out
        </button>
      </header>
      {test && (
        <div className="test-banner" role="status">
          Test mode: you are viewing test data. Live endpoints and events are not shown.
        </div>
      )}
      <ErrorMessage message={error} />
      <main key={session.mode}>
        {view.page === "endpoints" && <EndpointsPage onOpen={(id) => setView({ page: "endpoint", id })} />}
        {view.page === "endpoint" && <EndpointPage id={view.id} onBack={() => setView({ page: "endpoints" })} />}
        {view.page === "events" && <EventsPage />}
      </main>
    </div>
  );
}

function SignIn({ onSignedIn }: { onSignedIn: (s: Session) => void }) {
  const [key, setKey] = useState("");
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      onSignedIn(await api<Session>("POST", "/v1/dashboard/session", { secret_key: key.trim() }));
    } catch (err) {
      setError(err instanceof ApiError ? err.message : "Sign-in failed.");
    }
  };
  return (
    <main className="signin">
      <h1>Sign in to Herald</h1>
      <p>Open a sign-in link from your platform, or paste one of your secret keys.</p>
      <form onSubmit={submit}>
        <label htmlFor="secret-key">Secret key</label>
        <input
          id="secret-key"
          type="password"
          autoComplete="off"
          placeholder="sk_test_…"
          value={key}
          onChange={(e) => setKey(e.target.value)}
          required
        />
        <button type="submit">Sign in</button>
        <ErrorMessage message={error} />
      </form>
    </main>
  );
}
