/** Account routes: webhook endpoints and the actions on one. */
import { generateSecret } from "@herald/webhooks";
import { conflict, invalid, notFound } from "../../domain/errors.js";
import { ID_PREFIX, newId } from "../../domain/ids.js";
import { sampleObject } from "../../domain/sample-events.js";
import type { Endpoint, Scope, StoredSecret } from "../../domain/types.js";
import type { EndpointPatch, Store } from "../../store/store.js";
import { pick, recordAudit } from "../audit.js";
import { accountOf } from "../auth.js";
import type { ApiDeps } from "../deps.js";
import { checkEnabledEvents, loadCatalogue } from "../event-catalogue.js";
import { emitEvent } from "../event-ingest.js";
import { listJson, pageQuery } from "../pagination.js";
import { IdParams, ListOf, ListQuery, Ref } from "../schemas/common.js";
import { DeliverySchema } from "../schemas/deliveries.js";
import { EventSchema } from "../schemas/events.js";
import {
  CreateEndpointBody,
  DeletedEndpointSchema,
  EndpointSchema,
  ListDeliveriesOfEndpointQuery,
  RecoverBody,
  RecoverySchema,
  RotateSecretBody,
  TestEndpointBody,
  UpdateEndpointBody,
} from "../schemas/webhooks.js";
import { deliveryJson, endpointJson } from "../serialize.js";
import { signatureHeaders } from "../signature-headers.js";
import type { Api } from "../type-provider.js";
import { checkEndpointUrl } from "../url-rules.js";

/** Contract §3: at most 20 endpoints per account and mode. */
export const ENDPOINT_LIMIT = 20;
/** How long a rotated-out secret keeps signing, by default: one day. */
const DEFAULT_SECRET_OVERLAP_S = 86_400;

/** The endpoint fields an audit entry shows (as the API names them); never the secret. */
const AUDITED_FIELDS = [
  "url",
  "enabled_events",
  "description",
  "metadata",
  "status",
  "signature_scheme",
  "rate_limit",
  "max_in_flight",
] as const;

const auditTarget = (e: { id: string; accountId: string; mode: Scope["mode"] }) => ({
  accountId: e.accountId,
  mode: e.mode,
  objectId: e.id,
});

const tags = ["Webhook endpoints"];
const config = { auth: "account" as const };

export function webhookRoutes(app: Api, deps: ApiDeps): void {
  const { store } = deps;
  const urlPolicy = (scope: Scope) => ({ mode: scope.mode, allowPrivateTargets: deps.allowPrivateTargets });

  app.post(
    "/v1/webhooks",
    {
      config,
      schema: {
        tags,
        summary: "Create an endpoint (the answer shows its signing secret, once)",
        body: CreateEndpointBody,
        response: { 201: Ref(EndpointSchema) },
      },
    },
    async (request, reply) => {
      const { scope } = accountOf(request);
      const body = request.body;
      const enabledEvents = checkEnabledEvents(await loadCatalogue(store), body.enabled_events);
      await checkEndpointUrl(body.url, urlPolicy(scope));
      const scheme = body.signature_scheme ?? "standard";
      const headers = signatureHeaders(scheme, body.signature_header, body.timestamp_header);
      const secret = generateSecret();
      const endpoint = await store.createEndpoint(
        {
          id: newId(ID_PREFIX.endpoint),
          accountId: scope.accountId,
          mode: scope.mode,
          url: body.url,
          enabledEvents,
          status: "enabled",
          description: body.description ?? null,
          metadata: body.metadata ?? {},
          signatureScheme: scheme,
          signatureHeader: headers.signatureHeader,
          timestampHeader: headers.timestampHeader,
          rateLimit: body.rate_limit ?? null,
          maxInFlight: body.max_in_flight ?? null,
          secrets: [{ ciphertext: deps.secretBox.seal(secret), expiresAt: null }],
          created: Date.now(),
        },
        ENDPOINT_LIMIT,
      );
      await recordAudit(store, request, {
        ...auditTarget(endpoint),
        action: "webhook_endpoint.created",
        details: pick(endpointJson(endpoint), AUDITED_FIELDS),
      });
      return reply.code(201).send(endpointJson(endpoint, secret));
    },
  );

  app.get(
    "/v1/webhooks",
    {
      config,
      schema: {
        tags,
        summary: "List endpoints, newest first",
        querystring: ListQuery({}),
        response: { 200: ListOf(EndpointSchema, "A page of endpoints") },
      },
    },
    async (request) =>
      listJson(await store.listEndpoints(accountOf(request).scope, pageQuery(request.query)), (e) => endpointJson(e)),
  );

  app.get(
    "/v1/webhooks/:id",
    {
      config,
      schema: { tags, summary: "Retrieve an endpoint", params: IdParams, response: { 200: Ref(EndpointSchema) } },
    },
    async (request) => endpointJson(await findEndpoint(store, accountOf(request).scope, request.params.id)),
  );

  app.patch(
    "/v1/webhooks/:id",
    {
      config,
      schema: {
        tags,
        summary: "Update an endpoint; disabling it cancels its pending deliveries",
        params: IdParams,
        body: UpdateEndpointBody,
        response: { 200: Ref(EndpointSchema) },
      },
    },
    async (request) => {
      const { scope } = accountOf(request);
      const body = request.body;
      const current = await findEndpoint(store, scope, request.params.id);
      const patch: EndpointPatch = {};
      if (body.url !== undefined) {
        await checkEndpointUrl(body.url, urlPolicy(scope));
        patch.url = body.url;
      }
      if (body.enabled_events !== undefined) {
        patch.enabledEvents = checkEnabledEvents(await loadCatalogue(store), body.enabled_events);
      }
      if (body.description !== undefined) patch.description = body.description;
      if (body.metadata !== undefined) patch.metadata = body.metadata;
      if (body.status !== undefined && body.status !== current.status) {
        patch.status = body.status;
        patch.disabledReason = body.status === "disabled" ? "manual" : null;
      }
      if (body.rate_limit !== undefined) patch.rateLimit = body.rate_limit;
      if (body.max_in_flight !== undefined) patch.maxInFlight = body.max_in_flight;
      const updated = await store.updateEndpoint(scope, current.id, patch, Date.now());
      if (updated === null) throw notFound("webhook endpoint", request.params.id);
      deps.delivery?.endpointChanged(updated.id);
      const json = endpointJson(updated);
      const changed = AUDITED_FIELDS.filter((f) => f !== "status" && f in body);
      await recordAudit(
        store,
        request,
        ...(changed.length > 0
          ? [{ ...auditTarget(updated), action: "webhook_endpoint.updated" as const, details: pick(json, changed) }]
          : []),
        ...(patch.status !== undefined
          ? [
              {
                ...auditTarget(updated),
                action: `webhook_endpoint.${patch.status}` as const,
                details: pick(json, ["status", "disabled_reason"]),
              },
            ]
          : []),
      );
      return json;
    },
  );

  app.delete(
    "/v1/webhooks/:id",
    {
      config,
      schema: {
        tags,
        summary: "Delete an endpoint; its pending deliveries stop, its log stays",
        params: IdParams,
        response: { 200: Ref(DeletedEndpointSchema) },
      },
    },
    async (request) => {
      const { scope } = accountOf(request);
      const deleted = await store.deleteEndpoint(scope, request.params.id, Date.now());
      if (!deleted) throw notFound("webhook endpoint", request.params.id);
      deps.delivery?.endpointChanged(request.params.id);
      await recordAudit(store, request, {
        ...auditTarget({ ...scope, id: request.params.id }),
        action: "webhook_endpoint.deleted",
        details: {},
      });
      return { id: request.params.id, object: "webhook_endpoint" as const, deleted: true as const };
    },
  );

  app.post(
    "/v1/webhooks/:id/rotate_secret",
    {
      config,
      schema: {
        tags,
        summary: "Issue a new signing secret; the old one keeps signing for expires_in seconds",
        params: IdParams,
        body: RotateSecretBody,
        response: { 200: Ref(EndpointSchema) },
      },
    },
    async (request) => {
      const { scope } = accountOf(request);
      const current = await findEndpoint(store, scope, request.params.id);
      const now = Date.now();
      const overlapMs = (request.body.expires_in ?? DEFAULT_SECRET_OVERLAP_S) * 1000;
      const secret = generateSecret();
      const kept: StoredSecret[] =
        overlapMs === 0
          ? []
          : current.secrets
              .filter((s) => s.expiresAt === null || s.expiresAt > now)
              .map((s) => ({ ciphertext: s.ciphertext, expiresAt: s.expiresAt ?? now + overlapMs }));
      const updated = await store.updateEndpoint(
        scope,
        current.id,
        { secrets: [{ ciphertext: deps.secretBox.seal(secret), expiresAt: null }, ...kept] },
        now,
      );
      if (updated === null) throw notFound("webhook endpoint", request.params.id);
      deps.delivery?.endpointChanged(updated.id);
      // The new secret never goes into the log: only how long the old ones keep signing.
      await recordAudit(store, request, {
        ...auditTarget(updated),
        action: "webhook_endpoint.secret_rotated",
        details: { expires_in: overlapMs / 1000 },
      });
      return endpointJson(updated, secret);
    },
  );

  app.post(
    "/v1/webhooks/:id/test",
    {
      config,
      schema: {
        tags,
        summary: "Send a sample event to this endpoint only",
        params: IdParams,
        body: TestEndpointBody,
        response: { 202: Ref(EventSchema) },
      },
    },
    async (request, reply) => {
      const { scope } = accountOf(request);
      const endpoint = await findEndpoint(store, scope, request.params.id);
      requireEnabled(endpoint);
      const type = request.body.type ?? endpoint.enabledEvents.find(isExactType) ?? "payment.succeeded";
      const event = await emitEvent(deps, {
        accountId: scope.accountId,
        mode: scope.mode,
        type,
        data: { object: sampleObject(type) },
        onlyEndpointId: endpoint.id,
      });
      return reply.code(202).type("application/json").send(event.body);
    },
  );

  app.post(
    "/v1/webhooks/:id/recover",
    {
      config,
      schema: {
        tags,
        summary: "Re-send every failed or cancelled delivery of this endpoint since a time",
        params: IdParams,
        body: RecoverBody,
        response: { 202: Ref(RecoverySchema) },
      },
    },
    async (request, reply) => {
      const { scope } = accountOf(request);
      const now = Date.now();
      if (request.body.since * 1000 > now) {
        throw invalid(
          "parameter_invalid",
          "Invalid since: it is in the future; pass a past unix time in seconds.",
          "since",
        );
      }
      const endpoint = await findEndpoint(store, scope, request.params.id);
      requireEnabled(endpoint);
      const count = await store.recoverDeliveries(scope, endpoint.id, request.body.since * 1000, now);
      if (count > 0) deps.delivery?.wake();
      return reply.code(202).send({ object: "recovery" as const, count });
    },
  );

  app.get(
    "/v1/webhooks/:id/deliveries",
    {
      config,
      schema: {
        tags,
        summary: "List this endpoint's deliveries, newest first",
        params: IdParams,
        querystring: ListDeliveriesOfEndpointQuery,
        response: { 200: ListOf(DeliverySchema, "A page of deliveries") },
      },
    },
    async (request) => {
      const { scope } = accountOf(request);
      const endpoint = await findEndpoint(store, scope, request.params.id);
      const query = {
        endpointId: endpoint.id,
        ...(request.query.status === undefined ? {} : { status: request.query.status }),
      };
      return listJson(await store.listDeliveries(scope, query, pageQuery(request.query)), (d) => deliveryJson(d));
    },
  );
}

export async function findEndpoint(store: Store, scope: Scope, id: string): Promise<Endpoint> {
  const endpoint = await store.getEndpoint(scope, id);
  if (endpoint === null) throw notFound("webhook endpoint", id);
  return endpoint;
}

export function requireEnabled(endpoint: Endpoint): void {
  if (endpoint.status !== "enabled") {
    throw conflict(
      "endpoint_disabled",
      `Webhook endpoint ${endpoint.id} is disabled: enable it (PATCH status=enabled) before sending to it.`,
    );
  }
}

const isExactType = (pattern: string): boolean => pattern !== "*" && !pattern.endsWith(".*");
