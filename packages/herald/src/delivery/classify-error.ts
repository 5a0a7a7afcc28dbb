/**
 * Attempt error classes, as the delivery log shows them. A receiver's
 * operator reads these to tell "my server is down" from "my certificate
 * expired" without reading stack traces.
 */
export type AttemptError =
  | "timeout"
  | "connection_refused"
  | "connection_reset"
  | "dns"
  | "tls"
  | "redirect"
  | "http_error"
  | "ssrf_blocked"
  | "network_error";

const TLS_CODES = /^(ERR_TLS|ERR_SSL|CERT_|DEPTH_ZERO|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|HOSTNAME_MISMATCH|ERR_OSSL)/;

/** Maps whatever undici or the socket threw to one class. */
export function classifyError(err: unknown, timedOut: boolean): AttemptError {
  if (timedOut) return "timeout";
  // undici wraps socket errors; the useful code is often on `cause`.
  for (let e: unknown = err, depth = 0; e !== null && typeof e === "object" && depth < 4; depth++) {
    const code = String((e as { code?: unknown }).code ?? "");
    const name = String((e as { name?: unknown }).name ?? "");
    if (code === "ssrf_blocked" || name === "SsrfBlockedError") return "ssrf_blocked";
    if (code === "ECONNREFUSED") return "connection_refused";
    if (code === "ECONNRESET" || code === "EPIPE" || code === "UND_ERR_SOCKET") return "connection_reset";
    if (code === "ENOTFOUND" || code === "EAI_AGAIN" || code === "EAI_NONAME" || code === "EAI_FAIL") return "dns";
    if (TLS_CODES.test(code)) return "tls";
    if (
      code === "UND_ERR_CONNECT_TIMEOUT" ||
      code === "UND_ERR_HEADERS_TIMEOUT" ||
      code === "UND_ERR_BODY_TIMEOUT" ||
      code === "ETIMEDOUT" ||
      name === "TimeoutError"
    ) {
      return "timeout";
    }
    e = (e as { cause?: unknown }).cause;
  }
  return "network_error";
}
