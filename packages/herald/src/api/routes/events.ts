/**
 * Emitting and reading events. POST /v1/events serves both the operator (for
 * any account, `Herald-Account` header) and an account's test key.
 */
import { HeraldError, invalid, notFound } from "../../domain/errors.js";
import type { Mode } from "../../domain/types.js";
import { accountOf } from "../auth.js";
import type { ApiDeps } from "../deps.js";
import { emitEvent } from "../event-ingest.js";
import { pageQuery } from "../pagination.js";
import { IdParams, ListOf, Ref } from "../schemas/common.js";
import { AccountEventBody, EventSchema, ListEventsQuery, OperatorEventHeaders } from "../schemas/events.js";
import { eventListJson } from "../serialize.js";
import type { Api } from "../type-provider.js";

const tags = ["Events"];

export function eventRoutes(app: Api, deps: ApiDeps): void {
  const { store } = deps;

  app.post(
    "/v1/events",
    {
      config: { auth: "operator_or_account" },
      schema: {
        tags,
        summary: "Emit an event",
        description:
          "With the operator token: for the account named in `Herald-Account`, `livemode` required. " +
          "With a secret key: test keys only, `livemode` false or omitted. " +
          "The event is stored durably before the answer; a repeated `id` returns the stored event and sends nothing.",
        headers: OperatorEventHeaders,
        body: AccountEventBody,
        response: { 202: Ref(EventSchema) },
      },
    },
    async (request, reply) => {
      const body = request.body;
      let accountId: string;
      let mode: Mode;
      if (request.principal?.kind === "operator") {
        const header = request.headers["herald-account"];
        if (header === undefined || header === "") {
          throw invalid(
            "parameter_missing",
            "Missing the Herald-Account header: name the account (acct_…) the event belongs to.",
            "Herald-Account",
          );
        }
        if (body.livemode === undefined) {
          throw invalid("parameter_missing", "Missing required parameter: livemode.", "livemode");
        }
        const account = await store.getAccount(header);
        if (account === null) throw notFound("account", header);
        accountId = account.id;
        mode = body.livemode ? "live" : "test";
      } else {
        const { scope } = accountOf(request);
        if (scope.mode !== "test") {
          throw new HeraldError(
            "permission_error",
            "test_mode_only",
            "Secret keys can emit test events only: use an sk_test_ key (live events come from the platform).",
          );
        }
        if (body.livemode === true) {
          throw invalid(
            "parameter_invalid",
            "Invalid livemode: secret keys emit test events only; omit it or pass false.",
            "livemode",
          );
        }
        accountId = scope.accountId;
        mode = "test";
      }
      const event = await emitEvent(deps, { accountId, mode, type: body.type, data: body.data, id: body.id });
      return reply.code(202).type("application/json").send(event.body);
    },
  );

  app.get(
    "/v1/events",
    {
      config: { auth: "account" },
      schema: {
        tags,
        summary: "List events, newest first",
        querystring: ListEventsQuery,
        response: { 200: ListOf(EventSchema, "A page of events") },
      },
    },
    async (request, reply) => {
      const { scope } = accountOf(request);
      const query: { type?: string; deliverySuccess?: boolean } = {};
      if (request.query.type !== undefined) query.type = request.query.type;
      if (request.query.delivery_success !== undefined) query.deliverySuccess = request.query.delivery_success;
      const page = await store.listEvents(scope, query, pageQuery(request.query));
      return reply.type("application/json").send(eventListJson(page));
    },
  );

  app.get(
    "/v1/events/:id",
    {
      config: { auth: "account" },
      schema: { tags, summary: "Retrieve an event", params: IdParams, response: { 200: Ref(EventSchema) } },
    },
    async (request, reply) => {
      const event = await store.getEvent(accountOf(request).scope, request.params.id);
      if (event === null) throw notFound("event", request.params.id);
      return reply.type("application/json").send(event.body);
    },
  );
}
