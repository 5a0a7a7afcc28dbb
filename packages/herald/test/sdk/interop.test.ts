/**
 * Other people's verifiers accept Herald's deliveries: the `svix` package's
 * Webhook class and `standardwebhooks` (standard scheme), and Stripe's SDK
 * (stripe scheme); and the SDK verifies what svix signs. (That it verifies
 * what standardwebhooks and stripe sign is in packages/webhooks/test.)
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { generateSecret, verify } from "@herald/webhooks";
import { Webhook as StandardWebhook } from "standardwebhooks";
import Stripe from "stripe";
import { Webhook as SvixWebhook } from "svix";
import { type LiveHerald, startHerald } from "../helpers/live-server.js";
import { type Receiver, startReceiver } from "../helpers/receiver.js";
import { deliverOne } from "./deliveries.js";

describe("third-party verifiers accept Herald's deliveries", () => {
  let h: LiveHerald;
  let key: string;
  let receiver: Receiver;

  before(async () => {
    h = await startHerald();
    key = (await h.account()).testKey;
    receiver = await startReceiver();
  });
  after(async () => {
    await receiver.close();
    await h.stop();
  });

  test("svix's Webhook class verifies a standard delivery and rejects a tampered one", async () => {
    const { secret, eventId, received } = await deliverOne(h, key, receiver, "standard");
    const headers = received.headers as Record<string, string>;
    const event = new SvixWebhook(secret).verify(received.body, headers) as { id: string };
    assert.equal(event.id, eventId);
    assert.throws(() => new SvixWebhook(secret).verify(received.body.replace("2999", "2998"), headers));
  });

  test("standardwebhooks verifies a standard delivery", async () => {
    const { secret, eventId, received } = await deliverOne(h, key, receiver, "standard");
    const headers = received.headers as Record<string, string>;
    assert.equal((new StandardWebhook(secret).verify(received.body, headers) as { id: string }).id, eventId);
  });

  test("Stripe's SDK verifies a stripe delivery (constructEvent) and rejects a tampered one", async () => {
    const { secret, eventId, received } = await deliverOne(h, key, receiver, "stripe");
    const stripe = new Stripe("sk_test_unused");
    const signature = String(received.headers["stripe-signature"]);
    assert.equal(stripe.webhooks.constructEvent(received.body, signature, secret).id, eventId);
    assert.throws(() => stripe.webhooks.constructEvent(`${received.body} `, signature, secret));
  });

  test("and the SDK verifies what svix's Webhook class signs", () => {
    const secret = generateSecret();
    const body = '{"id": "evt_svix", "object": "event", "type": "payment.succeeded"}';
    const now = new Date();
    const signature = new SvixWebhook(secret).sign("evt_svix", now, body);
    const headers = {
      "webhook-id": "evt_svix",
      "webhook-timestamp": String(Math.floor(now.getTime() / 1000)),
      "webhook-signature": signature,
    };
    assert.equal(verify(body, headers, secret).id, "evt_svix");
  });
});
