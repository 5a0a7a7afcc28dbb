/** Account routes: deliveries (one event for one endpoint) and their attempts. */
import { conflict, notFound } from "../../domain/errors.js";
import type { DeliveryQuery } from "../../store/store.js";
import { accountOf } from "../auth.js";
import type { ApiDeps } from "../deps.js";
import { listJson, pageQuery } from "../pagination.js";
import { IdParams, ListOf, Ref } from "../schemas/common.js";
import { DeliverySchema, ListDeliveriesQuery } from "../schemas/deliveries.js";
import { EmptyBody } from "../schemas/webhooks.js";
import { deliveryJson } from "../serialize.js";
import type { Api } from "../type-provider.js";
import { requireEnabled } from "./webhooks.js";

const tags = ["Deliveries"];
const config = { auth: "account" as const };

export function deliveryRoutes(app: Api, deps: ApiDeps): void {
  const { store } = deps;
  app.get(
    "/v1/deliveries",
    {
      config,
      schema: {
        tags,
        summary: "List deliveries, newest first, optionally of one endpoint or event",
        querystring: ListDeliveriesQuery,
        response: { 200: ListOf(DeliverySchema, "A page of deliveries") },
      },
    },
    async (request) => {
      const { scope } = accountOf(request);
      const { endpoint_id, event_id, status } = request.query;
      const query: DeliveryQuery = {};
      if (endpoint_id !== undefined) query.endpointId = endpoint_id;
      if (event_id !== undefined) query.eventId = event_id;
      if (status !== undefined) query.status = status;
      return listJson(await store.listDeliveries(scope, query, pageQuery(request.query)), (d) => deliveryJson(d));
    },
  );

  app.get(
    "/v1/deliveries/:id",
    {
      config,
      schema: {
        tags,
        summary: "Retrieve a delivery with its attempts, newest first",
        params: IdParams,
        response: { 200: Ref(DeliverySchema) },
      },
    },
    async (request) => {
      const { scope } = accountOf(request);
      const delivery = await store.getDelivery(scope, request.params.id);
      if (delivery === null) throw notFound("delivery", request.params.id);
      return deliveryJson(delivery, await store.listAttempts(scope, delivery.id));
    },
  );

  app.post(
    "/v1/deliveries/:id/resend",
    {
      config,
      schema: {
        tags,
        summary: "Queue a new attempt now, whatever the delivery's status",
        params: IdParams,
        body: EmptyBody,
        response: { 202: Ref(DeliverySchema) },
      },
    },
    async (request, reply) => {
      const { scope } = accountOf(request);
      const delivery = await store.getDelivery(scope, request.params.id);
      if (delivery === null) throw notFound("delivery", request.params.id);
      const endpoint = await store.getEndpoint(scope, delivery.endpointId);
      if (endpoint === null) {
        throw conflict(
          "endpoint_disabled",
          `Webhook endpoint ${delivery.endpointId} was deleted: there is nowhere to resend this delivery.`,
        );
      }
      requireEnabled(endpoint);
      const resent = await store.resendDelivery(scope, delivery.id, Date.now());
      if (resent === null) throw notFound("delivery", request.params.id);
      deps.delivery?.wake();
      return reply.code(202).send(deliveryJson(resent));
    },
  );
}
