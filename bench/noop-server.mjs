/**
 * The Ingest ceiling: a minimal Fastify 5 app, in its own process, with
 * Herald's body limit (256 KiB) and one JSON POST route that returns at once
 * with 202 and an event-shaped answer of about the size Herald sends. Same
 * HTTP stack as Herald's API (Fastify's router and JSON body parsing), none of
 * its work (authentication, validation, storage).
 */
import Fastify from "fastify";

const BODY_LIMIT = 256 * 1024;

const app = Fastify({ logger: false, bodyLimit: BODY_LIMIT });
app.post("/v1/events", async (request, reply) => {
  const body = /** @type {{type?: string, data?: unknown}} */ (request.body);
  const event = {
    id: "evt_noop",
    object: "event",
    type: body.type,
    created: Math.floor(Date.now() / 1000),
    livemode: false,
    data: body.data,
  };
  return reply.code(202).type("application/json").send(JSON.stringify(event));
});

await app.listen({ port: 0, host: "127.0.0.1" });
const address = app.server.address();
process.send?.({ ready: true, port: typeof address === "object" && address !== null ? address.port : 0 });
process.on("message", (/** @type {any} */ msg) => {
  if (msg?.cmd === "close") void app.close().then(() => process.exit(0));
});
process.on("disconnect", () => process.exit(0));
