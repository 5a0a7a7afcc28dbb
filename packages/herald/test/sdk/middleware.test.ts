/**
 * The SDK's middleware for Node's `http`, Express and Fastify, each in a
 * real server receiving real deliveries from a running Herald: the handler
 * gets the verified event, a tampered request is answered 400, and with the
 * idempotency helper a resent delivery (same webhook-id) is acknowledged
 * without running the handler again.
 */
import assert from "node:assert/strict";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, test } from "node:test";
import {
  expressWebhookMiddleware,
  fastifyWebhookPlugin,
  getRawBody,
  getWebhookEvent,
  nodeWebhookHandler,
  type WebhookEvent,
  WebhookIdempotency,
} from "@herald/webhooks";
import express from "express";
import Fastify, { type FastifyInstance } from "fastify";
import { request } from "undici";
import { eventually, type LiveHerald, startHerald } from "../helpers/live-server.js";

interface Handled {
  event: WebhookEvent;
  rawBody: string;
  headers: IncomingHttpHeaders;
}

interface App {
  url: string;
  handled: Handled[];
  close(): Promise<void>;
}

async function listening(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks`;
}

function closing(server: Server): () => Promise<void> {
  return () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
}

async function nodeApp(secret: string): Promise<App> {
  const handled: Handled[] = [];
  const server = createServer(
    nodeWebhookHandler({
      secret,
      idempotency: new WebhookIdempotency(),
      onEvent(event, { request, rawBody }) {
        handled.push({ event, rawBody: rawBody.toString("utf8"), headers: request.headers });
      },
    }),
  );
  return { url: await listening(server), handled, close: closing(server) };
}

async function expressApp(secret: string): Promise<App> {
  const handled: Handled[] = [];
  const app = express();
  app.post("/webhooks", expressWebhookMiddleware({ secret, idempotency: new WebhookIdempotency() }), (req, res) => {
    const event = getWebhookEvent(req);
    assert.equal(req.body, event, "req.body is the verified event");
    handled.push({ event, rawBody: getRawBody(req).toString("utf8"), headers: req.headers });
    res.status(204).end();
  });
  // The rest of the app parses JSON as usual; the webhook route above never sees it.
  app.use(express.json());
  app.post("/other", (req, res) => {
    res.json({ echoed: req.body });
  });
  const server = createServer(app);
  return { url: await listening(server), handled, close: closing(server) };
}

async function fastifyApp(secret: string): Promise<App & { app: FastifyInstance }> {
  const handled: Handled[] = [];
  const app = Fastify();
  await app.register(async (webhooks) => {
    await webhooks.register(fastifyWebhookPlugin, { secret, idempotency: new WebhookIdempotency() });
    webhooks.post("/webhooks", async (request) => {
      const event = getWebhookEvent(request);
      assert.equal(request.body, event, "request.body is the verified event");
      handled.push({ event, rawBody: getRawBody(request).toString("utf8"), headers: request.headers });
      return { ok: true };
    });
  });
  // Outside the webhook scope Fastify's own JSON parser still runs.
  app.post("/other", async (request) => ({ echoed: request.body }));
  await app.listen({ port: 0, host: "127.0.0.1" });
  const { port } = app.server.address() as AddressInfo;
  return { app, url: `http://127.0.0.1:${port}/webhooks`, handled, close: () => app.close() };
}

const FRAMEWORKS: [string, (secret: string) => Promise<App>][] = [
  ["node:http", nodeApp],
  ["Express", expressApp],
  ["Fastify", fastifyApp],
];

describe("middleware on real deliveries", () => {
  let h: LiveHerald;
  let key: string;

  before(async () => {
    h = await startHerald();
    key = (await h.account()).testKey;
  });
  after(() => h.stop());

  for (const [name, start] of FRAMEWORKS) {
    describe(name, () => {
      let app: App;
      let endpointId: string;
      let eventId: string;

      before(async () => {
        // The endpoint's secret is only known once it exists: create it on a placeholder
        // URL, start the app with the secret, then point the endpoint at the app.
        const endpoint = await h.api(
          "POST",
          "/v1/webhooks",
          { url: `http://127.0.0.1:9/${name}`, enabled_events: ["payment.succeeded"] },
          key,
        );
        assert.equal(endpoint.status, 201);
        endpointId = endpoint.body.id;
        app = await start(endpoint.body.secret);
        const patched = await h.api("PATCH", `/v1/webhooks/${endpointId}`, { url: app.url }, key);
        assert.equal(patched.status, 200, JSON.stringify(patched.body));
      });
      after(async () => {
        await h.api("DELETE", `/v1/webhooks/${endpointId}`, undefined, key);
        await app.close();
      });

      test("hands the verified event and its raw body to the handler", async () => {
        const emitted = await h.api(
          "POST",
          "/v1/events",
          { type: "payment.succeeded", data: { object: { id: "pay_mw", amount: 2999, currency: "usd" } } },
          key,
        );
        eventId = emitted.body.id;
        const [handled] = await eventually(async () => app.handled.length > 0 && app.handled);
        assert.equal(handled?.event.id, eventId);
        assert.equal(handled?.event.data.object.id, "pay_mw");
        const stored = await h.api("GET", `/v1/events/${eventId}`, undefined, key);
        assert.equal(handled?.rawBody, JSON.stringify(stored.body), "the exact bytes Herald sent");
        const delivery = await eventually(async () => {
          const list = await h.api(
            "GET",
            `/v1/deliveries?event_id=${eventId}&endpoint_id=${endpointId}`,
            undefined,
            key,
          );
          return list.body.data[0]?.status === "succeeded" && list.body.data[0];
        });
        assert.ok(delivery.last_response_status >= 200 && delivery.last_response_status < 300);
      });

      test("answers 400 to a tampered copy of the delivery and never calls the handler", async () => {
        const original = app.handled[0] as Handled;
        const headers = Object.fromEntries(
          Object.entries(original.headers).filter(([n]) => n.startsWith("webhook-") || n === "content-type"),
        ) as Record<string, string>;
        const tampered = await request(app.url, {
          method: "POST",
          headers,
          body: original.rawBody.replace('"amount":2999', '"amount":1'),
        });
        assert.equal(tampered.statusCode, 400);
        assert.equal(((await tampered.body.json()) as { error: { code: string } }).error.code, "bad_signature");
        const unsigned = await request(app.url, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: original.rawBody,
        });
        assert.equal(unsigned.statusCode, 400);
        assert.equal(((await unsigned.body.json()) as { error: { code: string } }).error.code, "missing_headers");
        assert.equal(app.handled.length, 1);
      });

      test("drops a resent delivery (same webhook-id): acknowledged 200, handler not run again", async () => {
        const list = await h.api("GET", `/v1/deliveries?event_id=${eventId}&endpoint_id=${endpointId}`, undefined, key);
        const deliveryId = list.body.data[0].id as string;
        const resent = await h.api("POST", `/v1/deliveries/${deliveryId}/resend`, {}, key);
        assert.equal(resent.status, 202, JSON.stringify(resent.body));
        const attempts = await eventually(async () => {
          const d = await h.api("GET", `/v1/deliveries/${deliveryId}`, undefined, key);
          return d.body.attempts.length === 2 && d.body.attempts;
        });
        assert.equal(attempts[0].trigger, "manual");
        assert.equal(attempts[0].response_status, 200);
        assert.deepEqual(JSON.parse(attempts[0].response_body), { received: true, duplicate: true });
        assert.equal(app.handled.length, 1, "the handler ran once");
      });
    });
  }

  test("Express and Fastify: routes outside the webhook middleware keep their JSON parser", async () => {
    for (const start of [expressApp, fastifyApp]) {
      const app = await start("whsec_MSNVuugxDi7usD+gBBqVdIGKNyvWYPL/ZuB1Ie84irs=");
      const res = await request(app.url.replace("/webhooks", "/other"), {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: '{"a": 1}',
      });
      assert.deepEqual(await res.body.json(), { echoed: { a: 1 } });
      await app.close();
    }
  });

  test("Express: a body express.json() already parsed is an error for the app (500), not a 400", async () => {
    const app = express();
    app.use(express.json());
    app.post("/webhooks", expressWebhookMiddleware({ secret: "whsec_MSNVuugxDi7usD+gBBqVdIGKNyvWYPL/ZuB1Ie84irs=" }));
    let seen: unknown;
    app.use((error: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
      seen = error;
      res.status(500).end();
    });
    const server = createServer(app);
    const url = await listening(server);
    const res = await request(url, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    assert.equal(res.statusCode, 500);
    assert.equal((seen as { code?: string }).code, "body_already_parsed");
    await closing(server)();
  });
});
