import { Type } from "@sinclair/typebox";
import { Body, ListQuery, Nullable, StringEnum, UnixSeconds } from "./common.js";

export const SIGNATURE_SCHEMES = ["standard", "stripe", "hmac-timestamp", "hmac"] as const;
export const ENDPOINT_STATUSES = ["enabled", "disabled"] as const;
export const DELIVERY_STATUSES = ["pending", "succeeded", "failed", "cancelled"] as const;

/** RFC 9110 `token`: what an HTTP header name may be made of. */
const HEADER_NAME_PATTERN = "^[!#$%&'*+.^_`|~0-9A-Za-z-]+$";

const Url = Type.String({
  minLength: 1,
  maxLength: 2048,
  description: "Where deliveries are POSTed. `https://` (`http://` in test mode only), at most 2048 characters.",
});
const EnabledEvents = Type.Array(Type.String({ minLength: 1, maxLength: 100 }), {
  minItems: 1,
  maxItems: 200,
  description: "Event types to receive: names from `GET /v1/event_types`, `prefix.*`, or `*` for all.",
});
const Description = Nullable(Type.String({ maxLength: 1024, description: "Free text, at most 1024 characters." }));
const Metadata = Type.Unsafe<Record<string, string>>({
  type: "object",
  additionalProperties: { type: "string", maxLength: 500 },
  propertyNames: { minLength: 1, maxLength: 40 },
  maxProperties: 50,
  description: "Up to 50 string values (keys ≤ 40, values ≤ 500 characters) for your own use.",
});
const HeaderName = (description: string) =>
  Type.String({
    minLength: 1,
    maxLength: 100,
    pattern: HEADER_NAME_PATTERN,
    "x-hint": "use an HTTP header name such as `X-Signature` (letters, digits and `-`)",
    description,
  });
const RateLimit = Nullable(
  Type.Integer({ minimum: 1, maximum: 10_000, description: "Deliveries per second to this endpoint; null: no limit." }),
);
const MaxInFlight = Nullable(
  Type.Integer({ minimum: 1, maximum: 1000, description: "Concurrent requests to this endpoint; null: the default." }),
);

export const CreateEndpointBody = Body({
  url: Url,
  enabled_events: EnabledEvents,
  description: Type.Optional(Description),
  metadata: Type.Optional(Metadata),
  signature_scheme: Type.Optional(
    StringEnum(SIGNATURE_SCHEMES, { description: "How deliveries are signed. Default `standard`." }),
  ),
  signature_header: Type.Optional(
    HeaderName("`hmac` and `hmac-timestamp` only: the signature header. Default `X-Webhook-Signature`."),
  ),
  timestamp_header: Type.Optional(
    HeaderName("`hmac-timestamp` only: the timestamp header. Default `X-Webhook-Timestamp`."),
  ),
  rate_limit: Type.Optional(RateLimit),
  max_in_flight: Type.Optional(MaxInFlight),
});

export const UpdateEndpointBody = Body({
  url: Type.Optional(Url),
  enabled_events: Type.Optional(EnabledEvents),
  description: Type.Optional(Description),
  metadata: Type.Optional(Metadata),
  status: Type.Optional(
    StringEnum(ENDPOINT_STATUSES, { description: "`disabled` stops deliveries and cancels pending ones." }),
  ),
  rate_limit: Type.Optional(RateLimit),
  max_in_flight: Type.Optional(MaxInFlight),
});

export const RotateSecretBody = Body({
  expires_in: Type.Optional(
    Type.Integer({
      minimum: 0,
      maximum: 604_800,
      description: "Seconds the old secret keeps signing (both signatures are sent). Default 86400; 0 retires it now.",
    }),
  ),
});

export const TestEndpointBody = Body({
  type: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 100,
      description: "Event type of the sample. Default: the endpoint's first exact type, else `payment.succeeded`.",
    }),
  ),
});

export const RecoverBody = Body({
  since: Type.Integer({
    minimum: 0,
    description: "Unix seconds: re-send failed and cancelled deliveries created since then.",
  }),
});

export const EmptyBody = Body({});

export const ListDeliveriesOfEndpointQuery = ListQuery({
  status: Type.Optional(StringEnum(DELIVERY_STATUSES)),
});

export const EndpointSchema = Type.Object(
  {
    id: Type.String({ description: "`we_…`" }),
    object: Type.Literal("webhook_endpoint"),
    url: Type.String(),
    enabled_events: Type.Array(Type.String()),
    status: StringEnum(ENDPOINT_STATUSES),
    disabled_reason: Nullable(
      Type.String({ description: "`manual`, `gone` (the receiver answered 410) or `failing` (auto-disabled)." }),
    ),
    description: Nullable(Type.String()),
    metadata: Type.Record(Type.String(), Type.String()),
    signature_scheme: StringEnum(SIGNATURE_SCHEMES),
    signature_header: Nullable(Type.String()),
    timestamp_header: Nullable(Type.String()),
    rate_limit: Nullable(Type.Integer()),
    max_in_flight: Nullable(Type.Integer()),
    livemode: Type.Boolean(),
    created: UnixSeconds("Creation time"),
    updated: UnixSeconds("Last change"),
    secret: Type.Optional(Type.String({ description: "`whsec_…`: only in the answers of create and rotate_secret." })),
  },
  { $id: "WebhookEndpoint" },
);

export const DeletedEndpointSchema = Type.Object(
  { id: Type.String(), object: Type.Literal("webhook_endpoint"), deleted: Type.Literal(true) },
  { $id: "DeletedWebhookEndpoint" },
);

export const RecoverySchema = Type.Object(
  {
    object: Type.Literal("recovery"),
    count: Type.Integer({ description: "Deliveries queued for a new attempt." }),
  },
  { $id: "Recovery" },
);
