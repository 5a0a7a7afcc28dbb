import { generateSecret } from "@herald/webhooks";
import { Command } from "commander";
import { VERSION } from "../../version.js";
import { ApiClient } from "../api-client.js";
import { CliError } from "../cli-error.js";
import { type ClientFlags, resolveClientConfig } from "../client-config.js";
import { withClientOptions } from "../client-options.js";
import { line } from "../output.js";
import { Forwarder } from "./forwarder.js";
import { defaultStatePath, type ListenState, readState, writeState } from "./state-file.js";
import { runStreamSession } from "./stream-session.js";

interface ListenFlags extends ClientFlags {
  forwardTo: string;
  events?: string;
  stateFile?: string;
  after?: string;
}

export function listenCommand(): Command {
  return withClientOptions(new Command("listen"), false)
    .description("Stream the account's test-mode events and forward them, signed, to a local URL (no tunnel)")
    .requiredOption("--forward-to <url>", "the local handler, e.g. http://localhost:3000/webhooks")
    .option("--events <types>", "comma-separated event types to forward (`payment.*` works); default all")
    .option(
      "--state-file <path>",
      "where the signing secret and the resume position are kept (HERALD_LISTEN_STATE, default per server and key under ~/.local/state/herald)",
    )
    .option("--after <cursor>", "start after this event id, `now`, or `beginning`, instead of resuming")
    .action(async (flags: ListenFlags) => {
      await listen(flags);
      process.exit(0);
    });
}

async function listen(flags: ListenFlags): Promise<void> {
  const config = resolveClientConfig(flags);
  if (!/^https?:\/\/[^/]+/.test(flags.forwardTo)) {
    throw new CliError(`Invalid --forward-to ${JSON.stringify(flags.forwardTo)}: use http://host:port/path.`);
  }
  const statePath = flags.stateFile ?? (process.env.HERALD_LISTEN_STATE || defaultStatePath(config.url, config.apiKey));
  const state: ListenState = readState(statePath);
  state.secret ??= generateSecret();
  const resumeFrom = flags.after === undefined ? state.cursor : flags.after === "now" ? undefined : flags.after;
  writeState(statePath, state);

  const stop = new AbortController();
  const onSignal = (): void => stop.abort();
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);

  const forwarder = new Forwarder({
    url: flags.forwardTo,
    secret: state.secret,
    version: VERSION,
    log: line,
    onForwarded(id) {
      state.cursor = id;
      writeState(statePath, state);
    },
  });
  const warn = (text: string): void => {
    process.stderr.write(`${text}\n`);
  };
  try {
    await runStreamSession({
      api: new ApiClient(config),
      types: flags.events,
      cursor: resumeFrom,
      signal: stop.signal,
      onReady(cursor, first) {
        // Nothing in flight: every event up to the stream's start is accounted for, so a
        // restart resumes from here rather than from "now" (which would skip the gap).
        if (forwarder.idle) {
          state.cursor = cursor;
          writeState(statePath, state);
        }
        if (!first) {
          warn(`Reconnected; resuming after ${cursor}.`);
          return;
        }
        line(`Ready! Your webhook signing secret is ${state.secret}`);
        line(`Forwarding test-mode events from ${config.url} to ${flags.forwardTo} (^C to quit)`);
        if (resumeFrom !== undefined) line(`Resuming after ${resumeFrom} (state: ${statePath})`);
      },
      async onEvent(item) {
        line(`--> ${item.type} [${item.id}]`);
        await forwarder.enqueue(item);
      },
      warn,
    });
  } finally {
    await forwarder.stop();
    process.removeListener("SIGINT", onSignal);
    process.removeListener("SIGTERM", onSignal);
  }
  line(`Stopped. The next \`herald listen\` resumes after ${state.cursor ?? "now"}.`);
}
