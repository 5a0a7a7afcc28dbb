/** Account route: an endpoint's recent health, for the dashboard's list and chart. */

import { fillBuckets, HOUR_MS, successRate } from "../../domain/endpoint-stats.js";
import { invalid } from "../../domain/errors.js";
import { accountOf } from "../auth.js";
import type { ApiDeps } from "../deps.js";
import { IdParams, Ref } from "../schemas/common.js";
import { EndpointStatsSchema, STATS_MAX_WINDOW_S, StatsQuery } from "../schemas/stats.js";
import { seconds } from "../serialize.js";
import type { Api } from "../type-provider.js";
import { findEndpoint } from "./webhooks.js";

export function webhookStatsRoutes(app: Api, deps: ApiDeps): void {
  app.get(
    "/v1/webhooks/:id/stats",
    {
      config: { auth: "account" as const },
      schema: {
        tags: ["Webhook endpoints"],
        summary: "Deliveries, success rate and hourly attempts of this endpoint since a time (default: 24 hours)",
        params: IdParams,
        querystring: StatsQuery,
        response: { 200: Ref(EndpointStatsSchema) },
      },
    },
    async (request) => {
      const { scope } = accountOf(request);
      const now = Date.now();
      const since = request.query.since ?? seconds(now - 24 * HOUR_MS);
      if (since * 1000 > now) {
        throw invalid(
          "parameter_invalid",
          "Invalid since: it is in the future; pass a past unix time in seconds.",
          "since",
        );
      }
      if (seconds(now) - since > STATS_MAX_WINDOW_S) {
        throw invalid("parameter_invalid", "Invalid since: stats go back at most 7 days (604800 seconds).", "since");
      }
      const endpoint = await findEndpoint(deps.store, scope, request.params.id);
      const stats = await deps.store.endpointStats(scope, endpoint.id, since * 1000);
      const d = stats.deliveries;
      return {
        object: "webhook_endpoint_stats" as const,
        endpoint_id: endpoint.id,
        since,
        deliveries: { total: d.pending + d.succeeded + d.failed + d.cancelled, ...d },
        success_rate: successRate(d),
        last_delivery:
          stats.lastDelivery === null ? null : { ...stats.lastDelivery, created: seconds(stats.lastDelivery.created) },
        buckets: fillBuckets(stats.buckets, since * 1000, now).map((b) => ({
          start: seconds(b.start),
          attempts: b.attempts,
          succeeded: b.succeeded,
          failed: b.attempts - b.succeeded,
          avg_duration_ms: b.avgDurationMs,
          max_duration_ms: b.maxDurationMs,
        })),
      };
    },
  );
}
