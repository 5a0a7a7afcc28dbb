import { Type } from "@sinclair/typebox";
import { Body, ListQuery, UnixSeconds } from "./common.js";

export const EVENT_ID_PATTERN = "^evt_[A-Za-z0-9_-]{1,100}$";

const EventData = Type.Object(
  {
    object: Type.Object({}, { additionalProperties: true, description: "The object the event is about." }),
    previous_attributes: Type.Optional(
      Type.Object(
        {},
        { additionalProperties: true, description: "For `*.updated` events: the changed fields' old values." },
      ),
    ),
  },
  { additionalProperties: false },
);

const EventFields = {
  type: Type.String({ minLength: 1, maxLength: 100, description: "A type from `GET /v1/event_types`." }),
  data: EventData,
  id: Type.Optional(
    Type.String({
      pattern: EVENT_ID_PATTERN,
      "x-hint": "use `evt_` followed by 1–100 letters, digits, `_` or `-`",
      description: "Your own event id; an id Herald has seen already is not emitted twice.",
    }),
  ),
};

/** Operator: `Herald-Account` names the account, `livemode` picks the mode. */
export const OperatorEventBody = Body({ ...EventFields, livemode: Type.Boolean() });
/** Account secret key: test mode only. */
export const AccountEventBody = Body({
  ...EventFields,
  livemode: Type.Optional(
    Type.Boolean({ description: "Must be false or omitted: secret keys emit test events only." }),
  ),
});

export const OperatorEventHeaders = Type.Object({
  "herald-account": Type.Optional(
    Type.String({ description: "The account (`acct_…`) the event belongs to. Required." }),
  ),
});

export const ListEventsQuery = ListQuery({
  type: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: "An exact type or `prefix.*`." })),
  delivery_success: Type.Optional(
    Type.Boolean({ description: "true: every delivery succeeded; false: at least one failed or is retrying." }),
  ),
});

export const EventSchema = Type.Object(
  {
    id: Type.String({ description: "`evt_…`" }),
    object: Type.Literal("event"),
    type: Type.String(),
    created: UnixSeconds("When Herald accepted it"),
    livemode: Type.Boolean(),
    data: Type.Object({ object: Type.Object({}, { additionalProperties: true }) }, { additionalProperties: true }),
  },
  { $id: "Event", description: "Exactly the JSON every endpoint receives." },
);
