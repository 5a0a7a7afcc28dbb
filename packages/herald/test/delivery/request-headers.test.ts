/**
 * Every attempt keeps the headers Herald sent (`request_headers`): the very
 * ones the receiver got, signatures included, never the secret.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { type LiveHerald, startHerald } from "../helpers/live-server.js";
import { type Receiver, startReceiver } from "../helpers/receiver.js";
import { createEndpoint, emit, settled } from "./flows.js";

describe("request headers on real attempts", () => {
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

  for (const [scheme, names] of [
    ["standard", ["webhook-id", "webhook-timestamp", "webhook-signature"]],
    ["stripe", ["stripe-signature"]],
  ] as const) {
    test(`${scheme}: the attempt shows what the receiver got`, async () => {
      const r = await startReceiver();
      receivers.push(r);
      const ep = await createEndpoint(h, key, r.url, {
        enabled_events: ["payment.succeeded"],
        signature_scheme: scheme,
      });
      await emit(h, key);
      const [got] = await r.waitFor(1);
      assert.ok(got);
      const d = await settled(h, key, ep.id, "succeeded");
      const sent = d.attempts[0].request_headers as Record<string, string>;
      for (const name of ["content-type", "user-agent", ...names]) {
        assert.equal(sent[name], got.headers[name], name);
      }
      assert.equal(sent["content-type"], "application/json");
      assert.match(sent["user-agent"] ?? "", /^Herald\//);
      const secret = String(ep.secret).replace(/^whsec_/, "");
      assert.equal(JSON.stringify(d).includes(secret), false, "the secret is never stored with the attempt");
    });
  }
});
