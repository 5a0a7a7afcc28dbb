import { Command } from "commander";
import { sampleObject } from "../domain/sample-events.js";
import { ApiClient, ApiError } from "./api-client.js";
import { CliError } from "./cli-error.js";
import { type ClientFlags, resolveClientConfig } from "./client-config.js";
import { withClientOptions } from "./client-options.js";
import { line, printJson } from "./output.js";
import type { EventJson, EventTypeJson, List } from "./types.js";

export function triggerCommand(): Command {
  return withClientOptions(new Command("trigger"))
    .description("Emit a realistic sample test-mode event of TYPE (test keys only)")
    .argument("<type>", "an event type, e.g. payment.succeeded")
    .action(async (type: string, flags: ClientFlags) => {
      const config = resolveClientConfig(flags);
      const api = new ApiClient(config);
      let event: EventJson;
      try {
        event = await api.post<EventJson>("/v1/events", { type, data: { object: sampleObject(type) } });
      } catch (err) {
        if (err instanceof ApiError && err.code === "unknown_event_type") {
          const types = await api.get<List<EventTypeJson>>("/v1/event_types");
          throw new CliError(
            `Unknown event type '${type}'. Known types:\n${types.data.map((t) => `  ${t.name}`).join("\n")}`,
          );
        }
        throw err;
      }
      if (config.json) return printJson(event);
      line(`Triggered ${event.type}: ${event.id}`);
    });
}
