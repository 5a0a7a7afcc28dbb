/**
 * How long and how large a client's request may be before the server cuts
 * it off, so slow or idle connections (slow-loris) cannot hold sockets and
 * memory forever. Bodies are capped separately (256 KiB, api/body-parsing.ts).
 */
import type { ServerOptions } from "node:http";

/** Headers must be complete within this, or the request timeout if shorter. */
const HEADERS_TIMEOUT_MS = 10_000;
/** Node's default; a header block larger than this answers 431. */
export const MAX_HEADER_BYTES = 16 * 1024;

/** The Fastify server options these limits set. */
export interface HttpLimits {
  requestTimeout: number;
  keepAliveTimeout: number;
  connectionTimeout: number;
  /** Passed to `http.createServer`. */
  http: ServerOptions;
}

/**
 * @param requestTimeoutMs the whole request, headers and body, must arrive within this (config `requestTimeoutMs`).
 */
export function httpLimits(requestTimeoutMs: number): HttpLimits {
  return {
    requestTimeout: requestTimeoutMs,
    // Longer than common load balancers' idle timeout (60 s), so the balancer,
    // not Herald, closes idle keep-alive connections and never sends a
    // request on a socket Herald is closing.
    keepAliveTimeout: 65_000,
    // A socket with no bytes either way for this long is closed. Above the
    // event stream's 15 s heartbeat, so `herald listen` stays connected.
    connectionTimeout: Math.max(60_000, requestTimeoutMs),
    http: {
      headersTimeout: Math.min(HEADERS_TIMEOUT_MS, requestTimeoutMs),
      maxHeaderSize: MAX_HEADER_BYTES,
      // Node checks the two timeouts above only this often (default 30 s).
      connectionsCheckingInterval: Math.min(1000, Math.ceil(requestTimeoutMs / 2)),
    },
  };
}
