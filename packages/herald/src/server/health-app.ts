/**
 * What a `--workers-only` process serves: no API, only `/healthz`, so a
 * supervisor or load balancer can still probe it, and `/metrics`, so each
 * worker's delivery counters can be scraped.
 */
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from "fastify";
import type { Logger } from "pino";
import type { HeraldMetrics } from "../observability/metrics.js";
import { metricsRoute } from "../observability/metrics-route.js";
import { requestIdOptions } from "../observability/request-log.js";
import type { Store } from "../store/store.js";
import type { HttpLimits } from "./http-limits.js";

export interface HealthAppOptions {
  /** Served at `/metrics`. Default: none (no `/metrics` route). */
  metrics?: HeraldMetrics;
  /** Socket timeouts and header limits. Default: Fastify's and Node's. */
  httpLimits?: HttpLimits;
  /** Where errors are logged. Default: nowhere. */
  logger?: Logger;
}

export function buildHealthApp(store: Store, options: HealthAppOptions = {}): FastifyInstance {
  const app = Fastify({
    ...(options.logger === undefined ? { logger: false } : { loggerInstance: options.logger as FastifyBaseLogger }),
    // Probes and scrapes every few seconds: no log line per request.
    ...requestIdOptions(),
    ...options.httpLimits,
  });
  app.get("/healthz", async (_request, reply) => {
    try {
      await store.ping();
      return { status: "ok", role: "workers" };
    } catch {
      return reply.code(503).send({ status: "unavailable" });
    }
  });
  if (options.metrics !== undefined) metricsRoute(app, options.metrics);
  return app;
}
