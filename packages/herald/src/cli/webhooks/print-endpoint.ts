import { line, printFields, time } from "../output.js";
import type { EndpointJson } from "../types.js";

/** One endpoint, a field per line; its secret when the answer carries it (create). */
export function printEndpoint(endpoint: EndpointJson): void {
  printFields([
    ["id", endpoint.id],
    ["url", endpoint.url],
    ["status", endpoint.status],
    ["enabled_events", endpoint.enabled_events.join(", ")],
    ["signature_scheme", endpoint.signature_scheme],
    ["description", endpoint.description ?? "-"],
    ["livemode", String(endpoint.livemode)],
    ["created", time(endpoint.created)],
  ]);
  if (endpoint.secret !== undefined) {
    line();
    line(`Signing secret (shown once, keep it): ${endpoint.secret}`);
  }
}
