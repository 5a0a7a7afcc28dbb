/**
 * The client commands' one way to the API: JSON in and out, the secret key
 * as a bearer token, the contract's error shape turned into an ApiError.
 */
import { request } from "undici";
import { VERSION } from "../version.js";
import { CliError } from "./cli-error.js";
import type { ClientConfig } from "./client-config.js";

/** An error answer of the API: `{error: {type, code, message, param?}}` and its HTTP status. */
export class ApiError extends CliError {
  readonly status: number;
  readonly type: string;
  readonly code: string;
  readonly param: string | undefined;

  constructor(status: number, body: { type?: string; code?: string; message?: string; param?: string }) {
    const code = body.code ?? "unknown";
    super(`${body.message ?? `HTTP ${status}`} (${code}, HTTP ${status})`);
    this.status = status;
    this.type = body.type ?? "api_error";
    this.code = code;
    this.param = body.param;
  }
}

export type Query = Record<string, string | number | boolean | undefined>;

export class ApiClient {
  readonly url: string;
  readonly #apiKey: string;

  constructor(config: Pick<ClientConfig, "url" | "apiKey">) {
    this.url = config.url;
    this.#apiKey = config.apiKey;
  }

  get<T>(path: string, query: Query = {}): Promise<T> {
    return this.call<T>("GET", withQuery(path, query));
  }

  post<T>(path: string, body: unknown = {}): Promise<T> {
    return this.call<T>("POST", path, body);
  }

  patch<T>(path: string, body: unknown): Promise<T> {
    return this.call<T>("PATCH", path, body);
  }

  delete<T>(path: string): Promise<T> {
    return this.call<T>("DELETE", path);
  }

  /** The headers every request carries; the event stream uses them too. */
  headers(extra: Record<string, string> = {}): Record<string, string> {
    return { authorization: `Bearer ${this.#apiKey}`, "user-agent": `Herald-CLI/${VERSION}`, ...extra };
  }

  async call<T>(method: "GET" | "POST" | "PATCH" | "DELETE", path: string, body?: unknown): Promise<T> {
    let res: Awaited<ReturnType<typeof request>>;
    try {
      res = await request(`${this.url}${path}`, {
        method,
        headers: this.headers(body === undefined ? {} : { "content-type": "application/json" }),
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        headersTimeout: 30_000,
        bodyTimeout: 30_000,
      });
    } catch (err) {
      throw unreachable(this.url, err);
    }
    const text = await res.body.text();
    let json: unknown;
    try {
      json = text === "" ? undefined : JSON.parse(text);
    } catch {
      throw new CliError(`${this.url} answered HTTP ${res.statusCode} with something that is not JSON: is it Herald?`);
    }
    if (res.statusCode >= 400) throw apiError(res.statusCode, json);
    return json as T;
  }
}

/** The ApiError for an error answer (whatever its body looks like). */
export function apiError(status: number, json: unknown): ApiError {
  const error = (json as { error?: Record<string, string> } | undefined)?.error;
  return new ApiError(status, error ?? {});
}

/** A CliError for a request that got no answer at all. */
export function unreachable(url: string, err: unknown): CliError {
  const { code, message } = err as { code?: string; message?: string };
  const reason = code ?? message ?? String(err);
  return new CliError(`Cannot reach Herald at ${url} (${reason}): is \`herald serve\` running there?`);
}

function withQuery(path: string, query: Query): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined) params.set(name, String(value));
  }
  const text = params.toString();
  return text === "" ? path : `${path}?${text}`;
}
