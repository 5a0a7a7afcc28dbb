/**
 * A webhook receiver on Fastify, verifying Herald's signatures with @herald/webhooks.
 *
 *   HERALD_WEBHOOK_SECRET=whsec_… PORT=3000 node index.mjs
 *
 * Point an endpoint (or `herald listen --forward-to http://localhost:3000/webhooks`) at it.
 */
import { pathToFileURL } from "node:url";
import { fastifyWebhookPlugin, getWebhookEvent, WebhookIdempotency } from "@herald/webhooks";
import Fastify from "fastify";

/**
 * Starts the receiver and resolves once it listens.
 *
 * @param {object} options
 * @param {string | string[]} options.secret - the endpoint's signing secret(s)
 * @param {number} [options.port] - default 3000; 0 picks a free one
 * @param {string} [options.host] - default 127.0.0.1
 */
export async function startFastifyReceiver({ secret, port = 3000, host = "127.0.0.1" } = {}) {
  if (!secret) throw new Error("set HERALD_WEBHOOK_SECRET (the endpoint's whsec_… secret)");
  /** Every event this receiver handled, in order (a real app writes to its database). */
  const received = [];
  const app = Fastify();

  // The plugin applies to the scope it is registered in: the webhook routes get their own,
  // and the rest of the app keeps Fastify's JSON parser.
  await app.register(async (webhooks) => {
    await webhooks.register(fastifyWebhookPlugin, { secret, idempotency: new WebhookIdempotency() });
    webhooks.post("/webhooks", async (request) => {
      const event = getWebhookEvent(request); // also request.body
      received.push(event);
      if (event.type === "payment.succeeded") {
        // fulfil the order of event.data.object …
      }
      return { received: true };
    });
  });
  app.get("/received", async () => received.map((e) => ({ id: e.id, type: e.type })));

  await app.listen({ port, host });
  return {
    url: `http://${host}:${app.server.address().port}/webhooks`,
    received,
    close: () => app.close(),
  };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const receiver = await startFastifyReceiver({
    secret: process.env.HERALD_WEBHOOK_SECRET,
    port: Number(process.env.PORT ?? 3000),
  });
  console.log(`Listening for webhooks on ${receiver.url}`);
}
