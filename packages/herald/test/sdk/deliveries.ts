/** Real deliveries from a running Herald, one per signature scheme, for the SDK tests. */
import assert from "node:assert/strict";
import type { SignatureScheme } from "@herald/webhooks";
import { eventually, type LiveHerald } from "../helpers/live-server.js";
import type { Received, Receiver } from "../helpers/receiver.js";

/** The endpoint options of each scheme; the hmac ones with custom header names, as sellers set them. */
export const SCHEMES: Record<SignatureScheme, Record<string, string>> = {
  standard: {},
  stripe: { signature_scheme: "stripe" },
  "hmac-timestamp": {
    signature_scheme: "hmac-timestamp",
    signature_header: "Payment-Signature",
    timestamp_header: "Payment-Timestamp",
  },
  hmac: { signature_scheme: "hmac", signature_header: "Payment-Signature" },
};

/** The verify() options a receiver of `scheme` sets (header names as configured above). */
export function verifyOptions(scheme: SignatureScheme): {
  scheme: SignatureScheme;
  signatureHeader?: string;
  timestampHeader?: string;
} {
  const extra = SCHEMES[scheme];
  return {
    scheme,
    ...(extra.signature_header === undefined ? {} : { signatureHeader: extra.signature_header }),
    ...(extra.timestamp_header === undefined ? {} : { timestampHeader: extra.timestamp_header }),
  };
}

export interface Delivered {
  secret: string;
  endpointId: string;
  eventId: string;
  received: Received;
}

let endpoints = 0;

/**
 * Creates an endpoint of `scheme` pointing at `receiver` (a path of its own, since a URL
 * takes one endpoint), emits one event and returns what arrived.
 */
export async function deliverOne(
  h: LiveHerald,
  key: string,
  receiver: Receiver,
  scheme: SignatureScheme,
  path = `/${scheme}-${++endpoints}`,
): Promise<Delivered> {
  const endpoint = await h.api(
    "POST",
    "/v1/webhooks",
    { url: `${receiver.url}${path}`, enabled_events: ["payment.succeeded"], ...SCHEMES[scheme] },
    key,
  );
  assert.equal(endpoint.status, 201, JSON.stringify(endpoint.body));
  const event = await h.api(
    "POST",
    "/v1/events",
    {
      type: "payment.succeeded",
      data: { object: { id: "pay_sdk", amount: 2999, currency: "usd", note: "café ☕ \u2028 <b>" } },
    },
    key,
  );
  assert.equal(event.status, 202, JSON.stringify(event.body));
  // Earlier endpoints on this receiver subscribe to the same type: pick this endpoint's request.
  const received = await eventually(
    async () => receiver.received.find((r) => r.path === path && r.headers["webhook-id"] === event.body.id),
    15_000,
    `the delivery to ${path}`,
  );
  return { secret: endpoint.body.secret, endpointId: endpoint.body.id, eventId: event.body.id, received };
}

/** The signed timestamp a delivery carries, whatever its scheme (undefined for `hmac`). */
export function signedTimestamp(scheme: SignatureScheme, headers: Received["headers"]): number | undefined {
  switch (scheme) {
    case "standard":
      return Number(headers["webhook-timestamp"]);
    case "stripe":
      return Number(/t=(\d+)/.exec(String(headers["stripe-signature"]))?.[1]);
    case "hmac-timestamp":
      return Number(headers["payment-timestamp"]);
    case "hmac":
      return undefined;
  }
}
