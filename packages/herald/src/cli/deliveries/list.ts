import { Command, Option } from "commander";
import { ApiClient } from "../api-client.js";
import { type ClientFlags, resolveClientConfig } from "../client-config.js";
import { positiveInt, withClientOptions } from "../client-options.js";
import { morePages, printJson, printTable, time } from "../output.js";
import type { DeliveryJson, List } from "../types.js";

interface ListFlags extends ClientFlags {
  endpoint?: string;
  event?: string;
  status?: string;
  limit?: number;
  startingAfter?: string;
}

export function listDeliveriesCommand(): Command {
  return withClientOptions(new Command("list"))
    .description("List deliveries (one event for one endpoint), newest first")
    .option("--endpoint <id>", "only this endpoint's (we_…)")
    .option("--event <id>", "only this event's (evt_…)")
    .addOption(
      new Option("--status <status>", "only this status").choices(["pending", "succeeded", "failed", "cancelled"]),
    )
    .option("--limit <n>", "how many (1–100, default 10)", positiveInt("--limit", 100))
    .option("--starting-after <id>", "the next page after this delivery id")
    .action(async (flags: ListFlags) => {
      const config = resolveClientConfig(flags);
      const page = await new ApiClient(config).get<List<DeliveryJson>>("/v1/deliveries", {
        endpoint_id: flags.endpoint,
        event_id: flags.event,
        status: flags.status,
        limit: flags.limit,
        starting_after: flags.startingAfter,
      });
      if (config.json) return printJson(page);
      printTable(
        ["ID", "EVENT", "TYPE", "ENDPOINT", "STATUS", "ATTEMPTS", "LAST", "CREATED"],
        page.data.map((d) => [
          d.id,
          d.event_id,
          d.event_type,
          d.endpoint_id,
          d.status,
          `${d.attempt_count}/${d.max_attempts}`,
          d.last_response_status === null ? "-" : String(d.last_response_status),
          time(d.created),
        ]),
      );
      morePages(page.has_more, page.data.at(-1)?.id);
    });
}
