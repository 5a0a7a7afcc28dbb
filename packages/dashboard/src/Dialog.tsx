import { type ReactNode, useEffect, useRef } from "react";

/** A modal dialog (or side panel): labelled, focus moves in, Escape closes. */
export function Dialog(props: { title: string; onClose: () => void; children: ReactNode; side?: boolean }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    // Focus moves in on open and back to the opener on close.
    const opener = document.activeElement as HTMLElement | null;
    const first =
      ref.current?.querySelector<HTMLElement>("input, select, textarea") ??
      ref.current?.querySelector<HTMLElement>(".actions button, button");
    first?.focus();
    return () => opener?.focus();
  }, []);
  /** Keeps Tab inside the dialog. */
  const trap = (e: React.KeyboardEvent) => {
    if (e.key !== "Tab" || ref.current === null) return;
    const items = [...ref.current.querySelectorAll<HTMLElement>("input, select, textarea, button, [href]")].filter(
      (el) => !(el as HTMLButtonElement).disabled,
    );
    const first = items[0];
    const last = items[items.length - 1];
    if (first === undefined || last === undefined) return;
    if (e.shiftKey && document.activeElement === first) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && document.activeElement === last) {
      e.preventDefault();
      first.focus();
    }
  };
  return (
    <div className="overlay">
      <div
        ref={ref}
        role="dialog"
        aria-modal="true"
        aria-label={props.title}
        className={props.side ? "panel side" : "panel"}
        onKeyDown={(e) => {
          if (e.key === "Escape") props.onClose();
          else trap(e);
        }}
      >
        <div className="panel-head">
          <h2>{props.title}</h2>
          <button type="button" className="link" onClick={props.onClose} aria-label="Close">
            ✕
          </button>
        </div>
        {props.children}
      </div>
    </div>
  );
}

/** Shows a freshly created endpoint secret once. */
export function SecretDialog({ secret, onClose }: { secret: string; onClose: () => void }) {
  return (
    <Dialog title="Endpoint secret" onClose={onClose}>
      <p className="warning" role="note">
        Copy this signing secret now: it is shown only once. Your server needs it to verify signatures.
      </p>
      <code className="secret" data-testid="endpoint-secret">
        {secret}
      </code>
      <div className="actions">
        <button type="button" onClick={() => navigator.clipboard?.writeText(secret).catch(() => undefined)}>
          Copy secret
        </button>
        <button type="button" className="primary" onClick={onClose}>
          Done
        </button>
      </div>
    </Dialog>
  );
}
