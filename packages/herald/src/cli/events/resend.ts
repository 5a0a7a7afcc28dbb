import { Command } from "commander";
import { ApiClient, ApiError } from "../api-client.js";
import { CliError } from "../cli-error.js";
import { type ClientFlags, resolveClientConfig } from "../client-config.js";
import { withClientOptions } from "../client-options.js";
import { line, printJson } from "../output.js";
import type { DeliveryJson, EventJson, List } from "../types.js";

/** Every delivery of one event, following pages. */
async function deliveriesOf(api: ApiClient, eventId: string): Promise<DeliveryJson[]> {
  const all: DeliveryJson[] = [];
  let startingAfter: string | undefined;
  for (;;) {
    const page = await api.get<List<DeliveryJson>>("/v1/deliveries", {
      event_id: eventId,
      limit: 100,
      starting_after: startingAfter,
    });
    all.push(...page.data);
    startingAfter = page.data.at(-1)?.id;
    if (!page.has_more || startingAfter === undefined) return all;
  }
}

export function resendEventCommand(): Command {
  return withClientOptions(new Command("resend"))
    .description("Resend every delivery of an event: a new attempt now, whatever its status")
    .argument("<event-id>", "the event (evt_…)")
    .action(async (eventId: string, flags: ClientFlags) => {
      const config = resolveClientConfig(flags);
      const api = new ApiClient(config);
      // A clear 404 for a wrong id, rather than "no deliveries".
      await api.get<EventJson>(`/v1/events/${encodeURIComponent(eventId)}`);
      const deliveries = await deliveriesOf(api, eventId);
      const resent: DeliveryJson[] = [];
      const failed: { delivery: string; error: string }[] = [];
      for (const delivery of deliveries) {
        try {
          resent.push(await api.post<DeliveryJson>(`/v1/deliveries/${delivery.id}/resend`));
          if (!config.json) line(`${delivery.id} → ${delivery.endpoint_id}: resent`);
        } catch (err) {
          if (!(err instanceof ApiError)) throw err;
          failed.push({ delivery: delivery.id, error: err.message });
          if (!config.json) line(`${delivery.id} → ${delivery.endpoint_id}: not resent: ${err.message}`);
        }
      }
      if (config.json) printJson({ object: "list", data: resent, has_more: false, failed });
      else if (deliveries.length === 0) line(`${eventId} has no deliveries: no endpoint was subscribed to it.`);
      if (failed.length > 0) throw new CliError(`${failed.length} of ${deliveries.length} deliveries not resent`);
    });
}
