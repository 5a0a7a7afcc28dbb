/**
 * A webhook receiver on Express, verifying Herald's signatures with @herald/webhooks.
 *
 *   HERALD_WEBHOOK_SECRET=whsec_… PORT=3000 node index.mjs
 *
 * Point an endpoint (or `herald listen --forward-to http://localhost:3000/webhooks`) at it.
 */
import { pathToFileURL } from "node:url";
import { expressWebhookMiddleware, getWebhookEvent, WebhookIdempotency } from "@herald/webhooks";
import express from "express";
import { SqliteIdempotencyStore } from "../idempotency-sqlite/sqlite-store.mjs";

/**
 * Starts the receiver and resolves once it listens.
 *
 * @param {object} options
 * @param {string | string[]} options.secret - the endpoint's signing secret(s)
 * @param {number} [options.port] - default 3000; 0 picks a free one
 * @param {string} [options.host] - default 127.0.0.1
 * @param {string} [options.idempotencyDb] - a SQLite file that remembers handled event ids
 *   across restarts; default: in memory
 */
export async function startExpressReceiver({ secret, port = 3000, host = "127.0.0.1", idempotencyDb } = {}) {
  if (!secret) throw new Error("set HERALD_WEBHOOK_SECRET (the endpoint's whsec_… secret)");
  const store = idempotencyDb === undefined ? undefined : new SqliteIdempotencyStore(idempotencyDb);
  const idempotency = new WebhookIdempotency(store === undefined ? {} : { store });
  /** Every event this receiver handled, in order (a real app writes to its database). */
  const received = [];

  const app = express();
  // The webhook route comes before express.json(): the middleware needs the raw body.
  app.post("/webhooks", expressWebhookMiddleware({ secret, idempotency }), (req, res) => {
    const event = getWebhookEvent(req);
    received.push(event);
    switch (event.type) {
      case "payment.succeeded":
        // fulfil the order of event.data.object …
        break;
      case "refund.created":
        // …
        break;
    }
    res.json({ received: true });
  });
  app.use(express.json()); // the rest of the app parses JSON as usual
  app.get("/received", (_req, res) => res.json(received.map((e) => ({ id: e.id, type: e.type }))));

  const server = await new Promise((resolve, reject) => {
    const s = app.listen(port, host, (error) => (error ? reject(error) : resolve(s)));
  });
  const address = server.address();
  return {
    url: `http://${host}:${address.port}/webhooks`,
    received,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          store?.close();
          resolve();
        });
      }),
  };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const receiver = await startExpressReceiver({
    secret: process.env.HERALD_WEBHOOK_SECRET,
    port: Number(process.env.PORT ?? 3000),
    idempotencyDb: process.env.IDEMPOTENCY_DB,
  });
  console.log(`Listening for webhooks on ${receiver.url}`);
}
