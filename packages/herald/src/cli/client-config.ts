/**
 * How the client commands (listen, trigger, webhooks, events, deliveries)
 * find the server and prove who they are: flag, then environment variable,
 * then default (contract §1), resolved once per command. The environment is
 * a parameter so tests pass their own.
 */
import { CliError } from "./cli-error.js";

/** What every client command's flags may set; undefined means "not given". */
export interface ClientFlags {
  apiKey?: string;
  url?: string;
  json?: boolean;
}

export interface ClientConfig {
  /** `sk_test_…` or `sk_live_…` (`--api-key`, `HERALD_API_KEY`). Required. */
  apiKey: string;
  /** The server (`--url`, `HERALD_URL`). Default `http://127.0.0.1:8080`. */
  url: string;
  /** Print the API's JSON instead of tables (`--json`). Default false. */
  json: boolean;
}

export const DEFAULT_URL = "http://127.0.0.1:8080";

export function resolveClientConfig(flags: ClientFlags, env: NodeJS.ProcessEnv = process.env): ClientConfig {
  const apiKey = flags.apiKey ?? nonEmpty(env.HERALD_API_KEY);
  if (apiKey === undefined) {
    throw new CliError(
      "No API key: pass --api-key sk_test_… or set HERALD_API_KEY (`herald serve` prints a test key on its first start).",
    );
  }
  const url = (flags.url ?? nonEmpty(env.HERALD_URL) ?? DEFAULT_URL).replace(/\/+$/, "");
  if (!/^https?:\/\/[^/]+/.test(url)) {
    throw new CliError(`Invalid --url ${JSON.stringify(url)}: use the server's address, e.g. ${DEFAULT_URL}.`);
  }
  return { apiKey, url, json: flags.json === true };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === "" ? undefined : value;
}
