import { Command } from "commander";
import { ApiClient } from "../api-client.js";
import { type ClientFlags, resolveClientConfig } from "../client-config.js";
import { positiveInt, withClientOptions } from "../client-options.js";
import { morePages, printJson, printTable, time } from "../output.js";
import type { EndpointJson, List } from "../types.js";

interface ListFlags extends ClientFlags {
  limit?: number;
  startingAfter?: string;
}

export function listWebhooksCommand(): Command {
  return withClientOptions(new Command("list"))
    .description("List the webhook endpoints of the key's account and mode, newest first")
    .option("--limit <n>", "how many (1–100, default 10)", positiveInt("--limit", 100))
    .option("--starting-after <id>", "the next page after this endpoint id")
    .action(async (flags: ListFlags) => {
      const config = resolveClientConfig(flags);
      const page = await new ApiClient(config).get<List<EndpointJson>>("/v1/webhooks", {
        limit: flags.limit,
        starting_after: flags.startingAfter,
      });
      if (config.json) return printJson(page);
      printTable(
        ["ID", "URL", "STATUS", "SCHEME", "EVENTS", "CREATED"],
        page.data.map((e) => [e.id, e.url, e.status, e.signature_scheme, e.enabled_events.join(","), time(e.created)]),
      );
      morePages(page.has_more, page.data.at(-1)?.id);
    });
}
