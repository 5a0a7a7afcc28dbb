/**
 * The Node `http` middleware over a real loopback server, with synthetic signatures (the
 * Express and Fastify middleware, and real Herald deliveries, are tested in packages/herald,
 * which has those frameworks).
 */
import assert from "node:assert/strict";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import {
  nodeWebhookHandler,
  signatureHeaders,
  verifyNodeRequest,
  type WebhookEvent,
  WebhookIdempotency,
  WebhookRequestError,
} from "../src/index.js";
import { BODY, EVENT_ID, OLD_SECRET, realNow, SECRET } from "./fixtures.js";

function signed(body = BODY, secret = SECRET): Record<string, string> {
  return {
    "content-type": "application/json",
    ...signatureHeaders({ scheme: "standard", secrets: [secret], id: EVENT_ID, timestamp: realNow(), body }),
  };
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe("nodeWebhookHandler", () => {
  const events: WebhookEvent[] = [];
  let fail = false;
  let url = "";
  const server = createServer(
    nodeWebhookHandler({
      secret: [SECRET, OLD_SECRET],
      idempotency: new WebhookIdempotency(),
      bodyLimit: 4096,
      onEvent(event) {
        if (fail) throw new Error("handler bug");
        events.push(event);
      },
    }),
  );
  before(async () => {
    url = await listen(server);
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("verifies the raw body and hands over the parsed event", async () => {
    const res = await fetch(url, { method: "POST", headers: signed(), body: BODY });
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { received: true });
    assert.equal(events.at(-1)?.id, EVENT_ID);
  });

  it("drops a redelivery of the same event id", async () => {
    const count = events.length;
    const res = await fetch(url, { method: "POST", headers: signed(), body: BODY });
    assert.deepEqual(await res.json(), { received: true, duplicate: true });
    assert.equal(events.length, count);
  });

  it("answers 400 with the reason to a tampered body, and 405 to a GET", async () => {
    const res = await fetch(url, { method: "POST", headers: signed(), body: BODY.replace("2999", "1") });
    assert.equal(res.status, 400);
    assert.equal(((await res.json()) as { error: { code: string } }).error.code, "bad_signature");
    assert.equal((await fetch(url)).status, 405);
  });

  it("accepts any of several secrets (rotation)", async () => {
    const body = BODY.replace(EVENT_ID, "evt_rotated");
    const res = await fetch(url, { method: "POST", headers: signed(body, OLD_SECRET), body });
    assert.equal(res.status, 200);
  });

  it("answers 413 past bodyLimit and 500 when the handler throws (then runs the retry)", async () => {
    const big = `{"pad":"${"x".repeat(5000)}"}`;
    assert.equal((await fetch(url, { method: "POST", headers: signed(big), body: big })).status, 413);
    const body = BODY.replace(EVENT_ID, "evt_fails_once");
    fail = true;
    assert.equal((await fetch(url, { method: "POST", headers: signed(body), body })).status, 500);
    fail = false;
    assert.equal((await fetch(url, { method: "POST", headers: signed(body), body })).status, 200);
    assert.equal(events.at(-1)?.id, "evt_fails_once");
  });
});

describe("verifyNodeRequest", () => {
  it("refuses a body a JSON parser already consumed", async () => {
    let seen: unknown;
    const server = createServer((req: IncomingMessage & { body?: unknown }, res) => {
      req.resume();
      req.on("end", async () => {
        req.body = { parsed: true };
        try {
          await verifyNodeRequest(req, { secret: SECRET });
        } catch (error) {
          seen = error;
        }
        res.end();
      });
    });
    const url = await listen(server);
    await fetch(url, { method: "POST", headers: signed(), body: BODY });
    await new Promise<void>((resolve) => server.close(() => resolve()));
    assert.ok(seen instanceof WebhookRequestError);
    assert.equal(seen.code, "body_already_parsed");
    assert.equal(seen.status, 500);
  });
});
