/** Small API flows the delivery tests share. */
import assert from "node:assert/strict";
import { eventually, type LiveHerald } from "../helpers/live-server.js";

type Json = any;

export async function createEndpoint(
  h: LiveHerald,
  key: string,
  url: string,
  extra: Record<string, unknown> = {},
): Promise<Json> {
  const r = await h.api("POST", "/v1/webhooks", { url, enabled_events: ["*"], ...extra }, key);
  assert.equal(r.status, 201, JSON.stringify(r.body));
  assert.match(r.body.secret, /^whsec_/);
  return r.body;
}

export async function emit(
  h: LiveHerald,
  key: string,
  type = "payment.succeeded",
  object: Record<string, unknown> = { id: "pay_1", amount: 2999, currency: "usd" },
): Promise<Json> {
  const r = await h.api("POST", "/v1/events", { type, data: { object } }, key);
  assert.equal(r.status, 202, JSON.stringify(r.body));
  return r.body;
}

export async function deliveriesOf(h: LiveHerald, key: string, endpointId: string, query = ""): Promise<Json[]> {
  const r = await h.api("GET", `/v1/webhooks/${endpointId}/deliveries?limit=100${query}`, undefined, key);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body.data;
}

export async function delivery(h: LiveHerald, key: string, id: string): Promise<Json> {
  const r = await h.api("GET", `/v1/deliveries/${id}`, undefined, key);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body;
}

/** Waits until the endpoint's only (newest) delivery reaches `status` and returns it with its attempts. */
export async function settled(
  h: LiveHerald,
  key: string,
  endpointId: string,
  status: string,
  timeoutMs = 15_000,
): Promise<Json> {
  const d = await eventually(
    async () => {
      const [newest] = await deliveriesOf(h, key, endpointId);
      return newest?.status === status ? newest : null;
    },
    timeoutMs,
    `a ${status} delivery`,
  );
  return delivery(h, key, d.id);
}
