/**
 * Per-credential API rate limits (@fastify/rate-limit): each secret key and
 * each dashboard session has its own budget of `perSecond` requests per
 * second; requests without credentials that change something (signing in to
 * the dashboard) share one per client address.
 *
 * The counters live in this process's memory: with several API processes
 * behind a load balancer, a key's real limit is `perSecond` × processes.
 *
 * The operator token is not limited: it is the platform's own backend
 * emitting events, and its rate is Herald's ingest throughput, not a client
 * to be policed. Reads that need no credentials — `/healthz`, `/metrics`,
 * the dashboard's files, `/docs`, `/openapi.json` — are not limited either:
 * probes and scrapes never see a 429, and behind a load balancer (where
 * every client has the balancer's address) one busy page cannot lock every
 * other user out of the dashboard.
 */
import rateLimit from "@fastify/rate-limit";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { HeraldError } from "../domain/errors.js";
import { hashSecret } from "../secrets/api-key.js";
import { requestSession } from "./session.js";

export async function installRateLimit(app: FastifyInstance, perSecond: number): Promise<void> {
  await app.register(rateLimit, {
    global: true,
    max: perSecond,
    timeWindow: 1000,
    // A route-level onRequest hook runs after the app's own onRequest hooks,
    // so authentication has already named the principal, and an over-limit
    // request is refused before its body is read.
    hook: "onRequest",
    allowList: (request) =>
      request.principal?.kind === "operator" ||
      ((request.method === "GET" || request.method === "HEAD") &&
        (request.routeOptions.config.auth ?? "none") === "none"),
    keyGenerator: credentialOf,
    addHeadersOnExceeding: { "x-ratelimit-limit": false, "x-ratelimit-remaining": false, "x-ratelimit-reset": false },
    addHeaders: {
      "x-ratelimit-limit": true,
      "x-ratelimit-remaining": true,
      "x-ratelimit-reset": true,
      "retry-after": true,
    },
    errorResponseBuilder: (_request, context) =>
      new HeraldError(
        "rate_limit_error",
        "rate_limited",
        `Too many requests with this key: the limit is ${context.max} per second. Retry after ${context.after}.`,
      ),
  });
}

/** The budget a request draws on: the credential it proved itself with, else its address. */
function credentialOf(request: FastifyRequest): string {
  if (request.principal?.kind === "account") {
    const session = requestSession(request);
    if (session !== undefined) return `session:${session.hash}`;
    const bearer = /^Bearer +(\S+)/i.exec(request.headers.authorization ?? "")?.[1];
    // Hashed so the limiter's memory never holds a usable key.
    if (bearer !== undefined) return `key:${hashSecret(bearer)}`;
    return `scope:${request.principal.scope.accountId}:${request.principal.scope.mode}`;
  }
  return `ip:${request.ip}`;
}
