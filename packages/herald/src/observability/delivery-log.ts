/**
 * Log lines for the ends of deliveries, from the engine's committed outcome
 * batches. A warning only when something ends badly — a delivery out of
 * attempts, an endpoint disabled — so the default level stays quiet on the
 * hot path; each attempt is logged by the engine at `debug`.
 */
import type { Logger } from "pino";
import type { DeliveryOutcome, RecordResult } from "../store/store.js";

export class DeliveryLog {
  readonly #logger: Logger;

  constructor(logger: Logger) {
    this.#logger = logger;
  }

  recorded(_outcomes: readonly DeliveryOutcome[], result: RecordResult): void {
    for (const d of result.exhausted) {
      this.#logger.warn(
        {
          delivery_id: d.id,
          event_id: d.eventId,
          endpoint_id: d.endpointId,
          account_id: d.accountId,
          attempt_count: d.attemptCount,
          last_response_status: d.lastResponseStatus,
        },
        "delivery failed: no attempts left",
      );
    }
    for (const e of result.disabledEndpoints) {
      this.#logger.warn(
        { endpoint_id: e.id, account_id: e.accountId, reason: e.disabledReason },
        "endpoint disabled by Herald",
      );
    }
  }
}
