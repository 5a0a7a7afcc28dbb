/**
 * What a `--workers-only` process serves: no API, only `/healthz`, so a
 * supervisor or load balancer can still probe it.
 */
import Fastify, { type FastifyInstance } from "fastify";
import type { Store } from "../store/store.js";

export function buildHealthApp(store: Store): FastifyInstance {
  const app = Fastify({ logger: false });
  app.get("/healthz", async (_request, reply) => {
    try {
      await store.ping();
      return { status: "ok", role: "workers" };
    } catch {
      return reply.code(503).send({ status: "unavailable" });
    }
  });
  return app;
}
