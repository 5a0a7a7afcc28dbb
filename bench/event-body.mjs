/**
 * What the load sends: `POST /v1/events` bodies whose `data.object` carries a
 * sequence number and the client's send time (monotonic ms, see clock.mjs),
 * so the sink can tell which event arrived and how long after it was sent.
 */
import { randomBytes } from "node:crypto";

export const EVENT_TYPE = "payment.succeeded";

/** @param {number} seq @param {number} sentAt */
export function eventRequestBody(seq, sentAt) {
  return `{"type":"${EVENT_TYPE}","data":{"object":{"id":"pay_${seq}","object":"payment","amount":2999,"currency":"usd","seq":${seq},"sent_at":${sentAt}}}}`;
}

/**
 * The body Herald would deliver for that event (same fields, same order as
 * api/event-ingest.ts serialises it): what the ceiling signs and sends.
 * @param {number} seq
 */
export function deliveredEventBody(seq) {
  const id = `evt_${randomBytes(18).toString("base64url")}`;
  const created = Math.floor(Date.now() / 1000);
  const data = `{"object":{"id":"pay_${seq}","object":"payment","amount":2999,"currency":"usd","seq":${seq},"sent_at":0}}`;
  return {
    id,
    body: `{"id":"${id}","object":"event","type":"${EVENT_TYPE}","created":${created},"livemode":false,"data":${data}}`,
  };
}
