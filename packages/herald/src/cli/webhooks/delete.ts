import { Command } from "commander";
import { ApiClient } from "../api-client.js";
import { type ClientFlags, resolveClientConfig } from "../client-config.js";
import { withClientOptions } from "../client-options.js";
import { line, printJson } from "../output.js";

export function deleteWebhookCommand(): Command {
  return withClientOptions(new Command("delete"))
    .description("Delete an endpoint; its pending deliveries stop, its log stays readable")
    .argument("<id>", "the endpoint (we_…)")
    .action(async (id: string, flags: ClientFlags) => {
      const config = resolveClientConfig(flags);
      const deleted = await new ApiClient(config).delete<{ id: string; deleted: boolean }>(
        `/v1/webhooks/${encodeURIComponent(id)}`,
      );
      if (config.json) return printJson(deleted);
      line(`${deleted.id} deleted`);
    });
}
