import { Command } from "commander";
import { ApiClient } from "../api-client.js";
import { type ClientFlags, resolveClientConfig } from "../client-config.js";
import { withClientOptions } from "../client-options.js";
import { line, printJson } from "../output.js";
import type { EndpointJson } from "../types.js";

/** `enable` and `disable`: one PATCH of the endpoint's status. */
export function setWebhookStatusCommand(status: "enabled" | "disabled"): Command {
  const name = status === "enabled" ? "enable" : "disable";
  const description =
    status === "enabled"
      ? "Enable an endpoint again (events emitted while it was disabled are not back-filled)"
      : "Disable an endpoint: it receives nothing and its pending deliveries are cancelled";
  return withClientOptions(new Command(name))
    .description(description)
    .argument("<id>", "the endpoint (we_…)")
    .action(async (id: string, flags: ClientFlags) => {
      const config = resolveClientConfig(flags);
      const endpoint = await new ApiClient(config).patch<EndpointJson>(`/v1/webhooks/${encodeURIComponent(id)}`, {
        status,
      });
      if (config.json) return printJson(endpoint);
      line(`${endpoint.id} ${endpoint.status} (${endpoint.url})`);
    });
}
