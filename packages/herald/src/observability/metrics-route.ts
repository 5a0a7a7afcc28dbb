/**
 * `GET /metrics` (contract §1), on the API and on a `--workers-only` process.
 *
 * No credentials, like `/healthz`: Prometheus scrapes it without a token,
 * and it carries no account, endpoint or event ids — only counts. The default
 * bind address is 127.0.0.1; when Herald listens on a wider interface, keep
 * `/metrics` off the public load balancer (docs/operations.md).
 * Left out of /openapi.json: it is the Prometheus text format, not the JSON API.
 */
import type { FastifyInstance } from "fastify";
import type { HeraldMetrics } from "./metrics.js";

export const METRICS_PATH = "/metrics";

export function metricsRoute(app: FastifyInstance, metrics: HeraldMetrics): void {
  app.get(METRICS_PATH, { config: { auth: "none" }, schema: { hide: true } }, async (_request, reply) => {
    const { contentType, body } = await metrics.exposition();
    return reply.type(contentType).send(body);
  });
}
