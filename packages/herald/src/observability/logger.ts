/**
 * The server's structured JSON log (pino), one object per line on stderr.
 * Field names are the contract's words in snake_case (`event_id`,
 * `delivery_id`, `endpoint_id`, `req_id`) so a log search matches the API.
 *
 * Secrets never reach it: credentials are not logged on purpose, and the
 * redaction below is the safety net for a header or secret that a future
 * `log.info({ headers })` would otherwise print.
 */
import pino, { type DestinationStream, type Logger } from "pino";

/** Paths pino blanks out, wherever the object is logged from. */
export const REDACT_PATHS = [
  "authorization",
  "cookie",
  "secret",
  "headers.authorization",
  "headers.cookie",
  "headers['set-cookie']",
  "req.headers.authorization",
  "req.headers.cookie",
  "*.authorization",
  "*.cookie",
  "*.secret",
  "*.secrets",
  "*.api_key",
  "*.token",
];

export interface LoggerOptions {
  /** pino level. Default `info` (no per-request or per-attempt lines). */
  level?: string;
  /** Where lines go. Default stderr, so stdout carries only the lines meant for people. */
  destination?: DestinationStream;
}

export function createLogger(o: LoggerOptions = {}): Logger {
  return pino(
    { level: o.level ?? "info", redact: { paths: REDACT_PATHS, censor: "[redacted]" } },
    o.destination ?? pino.destination(2),
  );
}
