/** `GET /v1/webhooks/:id/stats`: an endpoint's recent health. */
import { Type } from "@sinclair/typebox";
import { Nullable, StringEnum, UnixSeconds } from "./common.js";
import { DELIVERY_STATUSES } from "./webhooks.js";

/** How far back `since` may go: 7 days of hourly buckets. */
export const STATS_MAX_WINDOW_S = 7 * 86_400;

export const StatsQuery = Type.Object(
  {
    since: Type.Optional(
      Type.Integer({
        minimum: 0,
        description: "Unix seconds, at most 7 days ago. Default: 24 hours ago.",
      }),
    ),
  },
  { additionalProperties: false },
);

const Count = (description: string) => Type.Integer({ minimum: 0, description });

export const EndpointStatsSchema = Type.Object(
  {
    object: Type.Literal("webhook_endpoint_stats"),
    endpoint_id: Type.String(),
    since: UnixSeconds("Start of the window"),
    deliveries: Type.Object(
      {
        total: Count("Deliveries created since `since`."),
        succeeded: Count("Of them, delivered."),
        failed: Count("Of them, out of attempts."),
        pending: Count("Of them, still being tried."),
        cancelled: Count("Of them, stopped (endpoint disabled or deleted)."),
      },
      { description: "Deliveries created in the window, by status." },
    ),
    success_rate: Nullable(
      Type.Number({
        minimum: 0,
        maximum: 1,
        description: "succeeded / (succeeded + failed); null while none of the window's deliveries has finished.",
      }),
    ),
    last_delivery: Nullable(
      Type.Object(
        {
          id: Type.String(),
          status: StringEnum(DELIVERY_STATUSES),
          created: UnixSeconds("Creation time"),
        },
        { description: "The endpoint's newest delivery, whenever it was created." },
      ),
    ),
    buckets: Type.Array(
      Type.Object({
        start: UnixSeconds("Start of the hour"),
        attempts: Count("Attempts made in this hour for the window's deliveries."),
        succeeded: Count("Attempts answered with a 2xx."),
        failed: Count("Every other attempt: an error status, a timeout, a refused connection…"),
        avg_duration_ms: Nullable(Type.Integer({ description: "Mean attempt duration; null without attempts." })),
        max_duration_ms: Nullable(Type.Integer({ description: "Slowest attempt; null without attempts." })),
      }),
      { description: "One per hour from the hour holding `since` to the current one, oldest first." },
    ),
  },
  { $id: "WebhookEndpointStats" },
);
