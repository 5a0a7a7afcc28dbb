import { Type } from "@sinclair/typebox";
import { ListQuery, Nullable, StringEnum, UnixSeconds } from "./common.js";
import { DELIVERY_STATUSES } from "./webhooks.js";

export const ListDeliveriesQuery = ListQuery({
  endpoint_id: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
  event_id: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
  status: Type.Optional(StringEnum(DELIVERY_STATUSES)),
});

export const AttemptSchema = Type.Object(
  {
    id: Type.String({ description: "`att_…`" }),
    object: Type.Literal("delivery_attempt"),
    attempted_at: UnixSeconds("When the request was sent"),
    duration_ms: Type.Integer(),
    response_status: Nullable(Type.Integer()),
    response_body: Nullable(Type.String({ description: "The first 4 KiB of the response body." })),
    response_headers: Nullable(Type.Record(Type.String(), Type.String())),
    request_headers: Nullable(
      Type.Record(Type.String(), Type.String(), {
        description:
          "The headers Herald sent: content-type, user-agent and the scheme's id, timestamp and signature headers (HMACs; never the secret). Null when no request left.",
      }),
    ),
    error: Nullable(
      Type.String({
        description: "Why it failed: `timeout`, `connection_refused`, `dns`, `tls`, `redirect`, `http_error`, …",
      }),
    ),
    trigger: StringEnum(["scheduled", "retry", "manual"] as const),
  },
  { $id: "DeliveryAttempt" },
);

export const DeliverySchema = Type.Object(
  {
    id: Type.String({ description: "`dlv_…`" }),
    object: Type.Literal("delivery"),
    event_id: Type.String(),
    event_type: Type.String(),
    endpoint_id: Type.String(),
    status: StringEnum(DELIVERY_STATUSES),
    attempt_count: Type.Integer(),
    max_attempts: Type.Integer(),
    next_attempt_at: Nullable(UnixSeconds("When the next attempt is due; null unless pending")),
    last_response_status: Nullable(Type.Integer()),
    created: UnixSeconds("Creation time"),
    updated: UnixSeconds("Last change"),
    attempts: Type.Optional(
      Type.Array(Type.Ref("DeliveryAttempt"), { description: "Newest first; only in `GET /v1/deliveries/:id`." }),
    ),
  },
  { $id: "Delivery" },
);
