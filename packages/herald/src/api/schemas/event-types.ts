import { Type } from "@sinclair/typebox";
import { Body } from "./common.js";

export const EVENT_TYPE_NAME_PATTERN = "^[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)+$";

export const CreateEventTypeBody = Body({
  name: Type.String({
    maxLength: 100,
    pattern: EVENT_TYPE_NAME_PATTERN,
    "x-hint": "use lower-case dot-separated words, e.g. `invoice.paid`",
    description: "Dot-separated lower-case words, e.g. `invoice.paid`.",
  }),
  description: Type.String({ minLength: 1, maxLength: 500 }),
  group: Type.String({ minLength: 1, maxLength: 100, description: "Heading the dashboard lists it under." }),
  recommended: Type.Optional(Type.Boolean({ description: "Shown first in the dashboard. Default false." })),
});

export const EventTypeSchema = Type.Object(
  {
    name: Type.String(),
    description: Type.String(),
    group: Type.String(),
    recommended: Type.Boolean(),
  },
  { $id: "EventType" },
);
