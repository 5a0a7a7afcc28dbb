import { Command, Option } from "commander";
import { ApiClient } from "../api-client.js";
import { type ClientFlags, resolveClientConfig } from "../client-config.js";
import { withClientOptions } from "../client-options.js";
import { printJson } from "../output.js";
import type { EndpointJson } from "../types.js";
import { printEndpoint } from "./print-endpoint.js";

interface CreateFlags extends ClientFlags {
  events: string;
  description?: string;
  scheme?: string;
  signatureHeader?: string;
  timestampHeader?: string;
}

export function createWebhookCommand(): Command {
  return withClientOptions(new Command("create"))
    .description("Register a webhook endpoint; prints its signing secret (shown once)")
    .argument("<endpoint-url>", "where Herald POSTs events (https://…; http:// in test mode)")
    .option("--events <types>", "comma-separated event types, `payment.*` or `*`", "*")
    .option("--description <text>", "a note for people")
    .addOption(
      new Option("--scheme <scheme>", "signature scheme").choices(["standard", "stripe", "hmac-timestamp", "hmac"]),
    )
    .option("--signature-header <name>", "signature header of the hmac schemes")
    .option("--timestamp-header <name>", "timestamp header of the hmac-timestamp scheme")
    .action(async (endpointUrl: string, flags: CreateFlags) => {
      const config = resolveClientConfig(flags);
      const body: Record<string, unknown> = {
        url: endpointUrl,
        enabled_events: String(flags.events)
          .split(",")
          .map((t) => t.trim())
          .filter((t) => t !== ""),
      };
      if (flags.description !== undefined) body.description = flags.description;
      if (flags.scheme !== undefined) body.signature_scheme = flags.scheme;
      if (flags.signatureHeader !== undefined) body.signature_header = flags.signatureHeader;
      if (flags.timestampHeader !== undefined) body.timestamp_header = flags.timestampHeader;
      const endpoint = await new ApiClient(config).post<EndpointJson>("/v1/webhooks", body);
      if (config.json) return printJson(endpoint);
      printEndpoint(endpoint);
    });
}
