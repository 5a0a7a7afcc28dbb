/**
 * Real deliveries in every signature scheme, verified by implementations
 * that are not ours: the `standardwebhooks` and `stripe` packages, and for
 * the hmac schemes node:crypto written from the contract. During a secret
 * rotation both the old and the new secret verify.
 */
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { Webhook } from "standardwebhooks";
import Stripe from "stripe";
import { type LiveHerald, startHerald } from "../helpers/live-server.js";
import { type Receiver, startReceiver } from "../helpers/receiver.js";
import { createEndpoint, emit } from "./flows.js";

const stripe = new Stripe("sk_test_unused");
const hex = (key: string, content: string) => createHmac("sha256", key).update(content).digest("hex");

describe("signatures on real deliveries", () => {
  let h: LiveHerald;
  let key: string;
  const receivers: Receiver[] = [];

  before(async () => {
    h = await startHerald();
    key = (await h.account()).testKey;
  });
  after(async () => {
    await h.stop();
    await Promise.all(receivers.map((r) => r.close()));
  });

  /** Creates an endpoint of `scheme`, delivers one event, rotates, delivers another. */
  async function deliverAndRotate(extra: Record<string, unknown>) {
    const r = await startReceiver();
    receivers.push(r);
    const ep = await createEndpoint(h, key, r.url, { enabled_events: ["payment.succeeded"], ...extra });
    await emit(h, key);
    await r.waitFor(1);
    const rot = await h.api("POST", `/v1/webhooks/${ep.id}/rotate_secret`, { expires_in: 3600 }, key);
    assert.equal(rot.status, 200, JSON.stringify(rot.body));
    assert.notEqual(rot.body.secret, ep.secret);
    await emit(h, key);
    const [before, during] = await r.waitFor(2);
    assert.ok(before && during);
    return { oldSecret: ep.secret as string, newSecret: rot.body.secret as string, before, during };
  }

  test("standard: verified by the standardwebhooks package, both secrets during rotation", async () => {
    const { oldSecret, newSecret, before, during } = await deliverAndRotate({});
    assert.deepEqual(
      new Webhook(oldSecret).verify(before.body, before.headers as Record<string, string>),
      JSON.parse(before.body),
    );
    assert.equal(String(during.headers["webhook-signature"]).split(" ").length, 2);
    for (const s of [oldSecret, newSecret]) {
      assert.deepEqual(
        new Webhook(s).verify(during.body, during.headers as Record<string, string>),
        JSON.parse(during.body),
      );
    }
    assert.throws(() => new Webhook(oldSecret).verify(`${during.body} `, during.headers as Record<string, string>));
  });

  test("stripe: verified by the stripe package, both secrets during rotation", async () => {
    const { oldSecret, newSecret, before, during } = await deliverAndRotate({ signature_scheme: "stripe" });
    assert.equal(
      stripe.webhooks.constructEvent(before.body, String(before.headers["stripe-signature"]), oldSecret).id,
      JSON.parse(before.body).id,
    );
    assert.equal(String(during.headers["stripe-signature"]).match(/v1=/g)?.length, 2);
    for (const s of [oldSecret, newSecret]) {
      const ev = stripe.webhooks.constructEvent(during.body, String(during.headers["stripe-signature"]), s);
      assert.equal(ev.id, JSON.parse(during.body).id);
    }
    assert.ok(before.headers["webhook-id"], "every scheme sends webhook-id");
  });

  test("hmac-timestamp: hex HMAC over `ts.body` with the whole secret, custom header names", async () => {
    const { oldSecret, newSecret, during } = await deliverAndRotate({
      signature_scheme: "hmac-timestamp",
      signature_header: "X-X402-Signature",
      timestamp_header: "X-X402-Timestamp",
    });
    const ts = String(during.headers["x-x402-timestamp"]);
    assert.match(ts, /^\d+$/);
    const sigs = String(during.headers["x-x402-signature"]).split(",");
    for (const s of [oldSecret, newSecret])
      assert.ok(sigs.includes(hex(s, `${ts}.${during.body}`)), "both secrets sign");
    assert.ok(during.headers["webhook-id"]);
  });

  test("hmac: hex HMAC over the body with the whole secret, in the named header", async () => {
    const { oldSecret, newSecret, before, during } = await deliverAndRotate({
      signature_scheme: "hmac",
      signature_header: "Payment-Signature",
    });
    assert.equal(String(before.headers["payment-signature"]), hex(oldSecret, before.body));
    const sigs = String(during.headers["payment-signature"]).split(",");
    assert.deepEqual(new Set(sigs), new Set([hex(oldSecret, during.body), hex(newSecret, during.body)]));
  });

  test("rotation with expires_in 0: the old secret stops signing at once", async () => {
    const r = await startReceiver();
    receivers.push(r);
    const ep = await createEndpoint(h, key, r.url, { enabled_events: ["refund.created"] });
    const rot = await h.api("POST", `/v1/webhooks/${ep.id}/rotate_secret`, { expires_in: 0 }, key);
    await emit(h, key, "refund.created");
    const [req] = await r.waitFor(1);
    assert.ok(req);
    assert.equal(String(req.headers["webhook-signature"]).split(" ").length, 1);
    new Webhook(rot.body.secret).verify(req.body, req.headers as Record<string, string>);
    assert.throws(() => new Webhook(ep.secret).verify(req.body, req.headers as Record<string, string>));
  });
});
