import type { Command } from "commander";

/** The options every client command takes: where the server is, the key, and the output format. */
export function withClientOptions(command: Command, json = true): Command {
  command
    .option("--api-key <key>", "secret key sk_test_… / sk_live_… (HERALD_API_KEY)")
    .option("--url <url>", "Herald server (HERALD_URL, default http://127.0.0.1:8080)");
  if (json) command.option("--json", "print the API's JSON instead of a table");
  return command;
}

/** A positive integer option (`--limit`). */
export function positiveInt(name: string, max: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1 || n > max) throw new Error(`${name} must be an integer from 1 to ${max}`);
    return n;
  };
}
