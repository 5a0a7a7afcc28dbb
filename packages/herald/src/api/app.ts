/**
 * The HTTP API of contract §3, composed: parsing and validation at the edge,
 * one error shape, authentication, Idempotency-Key, then the routes. The same
 * TypeBox schemas validate requests and generate GET /openapi.json.
 */
import swagger from "@fastify/swagger";
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type RouteOptions } from "fastify";
import { metricsRoute } from "../observability/metrics-route.js";
import { installRequestLog, requestIdOptions } from "../observability/request-log.js";
import { authenticate, bearerResolver, type PrincipalResolver, type RouteAuth } from "./auth.js";
import { BODY_LIMIT, installBodyParsing } from "./body-parsing.js";
import type { ApiDeps } from "./deps.js";
import { errorHandler, notFoundHandler } from "./errors.js";
import { IDEMPOTENCY_HEADER, idempotencyHooks, MAX_KEY_LENGTH } from "./idempotency.js";
import "./request-context.js";
import { installRateLimit } from "./rate-limit.js";
import { accountRoutes } from "./routes/accounts.js";
import { apiKeyRoutes } from "./routes/api-keys.js";
import { auditLogRoutes } from "./routes/audit-log.js";
import { dashboardRoutes } from "./routes/dashboard.js";
import { dashboardStaticRoutes } from "./routes/dashboard-static.js";
import { deliveryRoutes } from "./routes/deliveries.js";
import { docsRoutes } from "./routes/docs.js";
import { eventStreamRoutes } from "./routes/event-stream.js";
import { eventTypeRoutes } from "./routes/event-types.js";
import { eventRoutes } from "./routes/events.js";
import { healthRoutes } from "./routes/health.js";
import { openapiRoutes } from "./routes/openapi.js";
import { webhookStatsRoutes } from "./routes/webhook-stats.js";
import { webhookRoutes } from "./routes/webhooks.js";
import { AccountSchema, ApiKeySchema, DeletedApiKeySchema } from "./schemas/accounts.js";
import { AuditLogEntrySchema } from "./schemas/audit-log.js";
import { ErrorResponse, Ref } from "./schemas/common.js";
import { AttemptSchema, DeliverySchema } from "./schemas/deliveries.js";
import { EventTypeSchema } from "./schemas/event-types.js";
import { EventSchema } from "./schemas/events.js";
import { EndpointStatsSchema } from "./schemas/stats.js";
import { DeletedEndpointSchema, EndpointSchema, RecoverySchema } from "./schemas/webhooks.js";
import { sessionResolver } from "./session.js";
import type { TypeBoxProvider } from "./type-provider.js";
import { formatValidationErrors, installValidation } from "./validation.js";

export type { ApiDeps } from "./deps.js";

/** Response objects listed once under `components.schemas` and referenced by `$id`. */
const COMPONENTS = [
  ErrorResponse,
  AccountSchema,
  ApiKeySchema,
  DeletedApiKeySchema,
  AuditLogEntrySchema,
  EndpointSchema,
  DeletedEndpointSchema,
  RecoverySchema,
  EndpointStatsSchema,
  EventSchema,
  DeliverySchema,
  AttemptSchema,
  EventTypeSchema,
];

const SECURITY: Record<RouteAuth, Record<string, string[]>[]> = {
  none: [],
  operator: [{ operatorToken: [] }],
  account: [{ secretKey: [] }],
  operator_or_account: [{ operatorToken: [] }, { secretKey: [] }],
};

export async function buildApp(deps: ApiDeps): Promise<FastifyInstance> {
  const app = Fastify({
    ...(deps.loggerInstance === undefined
      ? { logger: deps.logger ?? false }
      : { loggerInstance: deps.loggerInstance as FastifyBaseLogger }),
    ...requestIdOptions(),
    ...deps.httpLimits,
    bodyLimit: BODY_LIMIT,
    // Event ids may be `evt_` + 100 characters; the schemas cap ids at 255.
    routerOptions: { maxParamLength: 256 },
    schemaErrorFormatter: formatValidationErrors,
    // Errors Fastify raises before routing (bad URL encoding, over-long ids).
    frameworkErrors: errorHandler,
  });

  installValidation(app);
  // Response schemas document the API; replies are built by serialize.ts and
  // sent whole (fast-json-stringify would silently drop a field the schema forgot).
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  installBodyParsing(app);
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler(notFoundHandler);

  app.decorateRequest("principal", null);
  app.decorateRequest("rawBody", "");
  app.decorateRequest("idempotency", null);

  app.addHook("onRoute", documentRoute);
  await app.register(swagger, {
    openapi: {
      openapi: "3.1.0",
      info: {
        title: "Herald API",
        version: deps.version,
        description:
          "Durable, signed webhook delivery. Errors: `{error: {type, code, message, param?}}`; times are unix seconds.",
      },
      tags: [
        { name: "Health", description: "Liveness of the server and its store." },
        { name: "Accounts", description: "Operator only: the platform's sellers and their secret keys." },
        {
          name: "Events",
          description:
            "What happened on the platform. Each event is stored once and sent to every subscribed endpoint; " +
            "test-mode events also stream to `herald listen`.",
        },
        { name: "Event types", description: "The catalogue of event types endpoints subscribe to." },
        {
          name: "Webhook endpoints",
          description: "Where an account's events are sent, signed with the endpoint's `whsec_` secret.",
        },
        { name: "Deliveries", description: "One event for one endpoint, with every attempt made to send it." },
        { name: "Audit log", description: "Who changed what: endpoints, keys, accounts." },
        { name: "Dashboard", description: "Sign-in links and cookie sessions of the web dashboard at /dashboard/." },
      ],
      components: {
        securitySchemes: {
          operatorToken: {
            type: "http",
            scheme: "bearer",
            description: "The operator's admin token: accounts, keys, events for any account.",
          },
          secretKey: {
            type: "http",
            scheme: "bearer",
            description: "An account's `sk_test_…` or `sk_live_…` secret key; the prefix picks the mode.",
          },
        },
      },
    },
    refResolver: {
      buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === "string" ? json.$id : `def-${i}`),
    },
  });
  for (const schema of COMPONENTS) app.addSchema(schema);

  // A bearer credential wins; otherwise the dashboard's cookie session.
  const resolvers: PrincipalResolver[] = [bearerResolver(deps), sessionResolver(deps)];
  installRequestLog(app, { debug: deps.loggerInstance?.isLevelEnabled("debug") ?? false });
  app.addHook("onRequest", authenticate(resolvers));
  if ((deps.apiRateLimit ?? 0) > 0) await installRateLimit(app, deps.apiRateLimit ?? 0);
  const idempotency = idempotencyHooks(deps.store, deps.secretBox);
  app.addHook("preHandler", idempotency.preHandler);
  app.addHook("onSend", idempotency.onSend);

  const api = app.withTypeProvider<TypeBoxProvider>();
  healthRoutes(api, deps);
  if (deps.metrics !== undefined) metricsRoute(app, deps.metrics);
  openapiRoutes(api);
  docsRoutes(api);
  accountRoutes(api, deps);
  apiKeyRoutes(api, deps);
  auditLogRoutes(api, deps);
  eventRoutes(api, deps);
  eventStreamRoutes(api, deps);
  eventTypeRoutes(api, deps);
  webhookRoutes(api, deps);
  webhookStatsRoutes(api, deps);
  deliveryRoutes(api, deps);
  dashboardRoutes(api, deps);
  dashboardStaticRoutes(api);
  return app;
}

/** Adds what every route shares to its OpenAPI entry: security, the error shape, Idempotency-Key. */
function documentRoute(route: RouteOptions): void {
  const auth = route.config?.auth ?? "none";
  route.schema ??= {};
  const schema = route.schema as Record<string, unknown>;
  schema.security = SECURITY[auth];
  if (auth !== "none") {
    const error = Ref(ErrorResponse);
    schema.response = { ...(schema.response as object | undefined), "4xx": error, "5xx": error };
  }
  const methods = Array.isArray(route.method) ? route.method : [route.method];
  if (methods.includes("POST")) {
    const headers = (schema.headers ?? { type: "object" }) as { properties?: Record<string, unknown> };
    schema.headers = {
      ...headers,
      type: "object",
      properties: {
        ...headers.properties,
        [IDEMPOTENCY_HEADER]: {
          type: "string",
          minLength: 1,
          maxLength: MAX_KEY_LENGTH,
          description:
            "Retrying with the same key and body within 24 h returns the first answer (`Idempotent-Replayed: true`).",
        },
      },
    };
  }
}
