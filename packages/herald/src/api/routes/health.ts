import { Type } from "@sinclair/typebox";
import type { ApiDeps } from "../deps.js";
import type { Api } from "../type-provider.js";

const Health = Type.Object({ status: Type.String({ description: "`ok`, or `unavailable` with a 503." }) });

export function healthRoutes(app: Api, { store }: ApiDeps): void {
  app.get(
    "/healthz",
    {
      config: { auth: "none" },
      schema: {
        tags: ["Health"],
        summary: "200 when the store is reachable, else 503",
        response: { 200: Health, 503: Health },
      },
    },
    async (request, reply) => {
      try {
        await store.ping();
        return { status: "ok" };
      } catch (err) {
        request.log.warn({ err }, "health check: store unreachable");
        return reply.code(503).send({ status: "unavailable" });
      }
    },
  );
}
