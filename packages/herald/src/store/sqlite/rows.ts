/** Row ↔ domain mapping for the SQLite backend: the shared mappers, and named parameters for writes. */
import type { Endpoint } from "../../domain/types.js";
import type { Row } from "../rows.js";

export * from "../rows.js";

/** Domain endpoint → named parameters for INSERT/UPDATE. */
export function endpointParams(
  e: Omit<Endpoint, "consecutiveFailures" | "failingSince" | "updated" | "disabledReason"> & Partial<Endpoint>,
): Row {
  return {
    id: e.id,
    account_id: e.accountId,
    mode: e.mode,
    url: e.url,
    enabled_events: JSON.stringify(e.enabledEvents),
    status: e.status,
    disabled_reason: e.disabledReason ?? null,
    description: e.description,
    metadata: JSON.stringify(e.metadata),
    signature_scheme: e.signatureScheme,
    signature_header: e.signatureHeader,
    timestamp_header: e.timestampHeader,
    rate_limit: e.rateLimit,
    max_in_flight: e.maxInFlight,
    secrets: JSON.stringify(e.secrets),
    created: e.created,
    updated: e.updated ?? e.created,
  };
}
