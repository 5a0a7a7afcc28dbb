import { Command } from "commander";
import { ApiClient } from "../api-client.js";
import { type ClientFlags, resolveClientConfig } from "../client-config.js";
import { positiveInt, withClientOptions } from "../client-options.js";
import { morePages, printJson, printTable, time } from "../output.js";
import type { EventJson, List } from "../types.js";

interface ListFlags extends ClientFlags {
  type?: string;
  failed?: boolean;
  limit?: number;
  startingAfter?: string;
}

export function listEventsCommand(): Command {
  return withClientOptions(new Command("list"))
    .description("List events of the key's account and mode, newest first")
    .option("--type <type>", "an exact type or `prefix.*`")
    .option("--failed", "only events with a failed or retrying delivery")
    .option("--limit <n>", "how many (1–100, default 10)", positiveInt("--limit", 100))
    .option("--starting-after <id>", "the next page after this event id")
    .action(async (flags: ListFlags) => {
      const config = resolveClientConfig(flags);
      const page = await new ApiClient(config).get<List<EventJson>>("/v1/events", {
        type: flags.type,
        delivery_success: flags.failed === true ? false : undefined,
        limit: flags.limit,
        starting_after: flags.startingAfter,
      });
      if (config.json) return printJson(page);
      printTable(
        ["ID", "TYPE", "OBJECT", "CREATED"],
        page.data.map((e) => [e.id, e.type, String(e.data.object.id ?? "-"), time(e.created)]),
      );
      morePages(page.has_more, page.data.at(-1)?.id);
    });
}
