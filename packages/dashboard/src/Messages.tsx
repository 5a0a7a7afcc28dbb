/** The page's or dialog's last error, announced to screen readers; nothing when there is none. */
export function ErrorMessage({ message }: { message: string | null }) {
  if (!message) return null;
  return (
    <p role="alert" className="error">
      {message}
    </p>
  );
}

/** A passing confirmation (saved, sent, …), announced politely; nothing when there is none. */
export function Notice({ message }: { message: string | null }) {
  if (!message) return null;
  return (
    <p role="status" className="notice">
      {message}
    </p>
  );
}
