/** The event type catalogue: everyone reads it, the operator extends it. */
import { invalid } from "../../domain/errors.js";
import type { ApiDeps } from "../deps.js";
import { BUILTIN_NAMES, loadCatalogue } from "../event-catalogue.js";
import { ListOf, Ref } from "../schemas/common.js";
import { CreateEventTypeBody, EventTypeSchema } from "../schemas/event-types.js";
import { eventTypeJson } from "../serialize.js";
import type { Api } from "../type-provider.js";

const tags = ["Event types"];

export function eventTypeRoutes(app: Api, { store }: ApiDeps): void {
  app.get(
    "/v1/event_types",
    {
      // Free accounts may look at what they would get.
      config: { auth: "operator_or_account", freePlan: true },
      schema: {
        tags,
        summary: "List every event type: the built-in catalogue, then the operator's",
        response: { 200: ListOf(EventTypeSchema, "The whole catalogue (never paginated)") },
      },
    },
    async () => ({ object: "list" as const, data: (await loadCatalogue(store)).map(eventTypeJson), has_more: false }),
  );

  app.post(
    "/v1/event_types",
    {
      config: { auth: "operator" },
      schema: {
        tags,
        summary: "Add an event type to the catalogue, or update one added before",
        body: CreateEventTypeBody,
        response: { 200: Ref(EventTypeSchema) },
      },
    },
    async (request) => {
      const { name, description, group } = request.body;
      if (BUILTIN_NAMES.has(name)) {
        throw invalid("event_type_reserved", `'${name}' is a built-in event type and cannot be redefined.`, "name");
      }
      const type = { name, description, group, recommended: request.body.recommended ?? false };
      await store.upsertEventType(type);
      return eventTypeJson(type);
    },
  );
}
