import type { WebhookEvent } from "../event.js";

/** The request property the middleware stores the verified, parsed event on. */
export const WEBHOOK_EVENT_PROPERTY = "webhookEvent";
/** The request property the middleware stores the raw body (a Buffer) on. */
export const RAW_BODY_PROPERTY = "rawBody";

/**
 * The event the middleware verified for this request (Express `req`, Fastify `request`).
 * Typed access without augmenting the frameworks' request types.
 *
 * @throws Error when no webhook middleware ran for this request
 */
export function getWebhookEvent<T = WebhookEvent>(request: object): T {
  const event = (request as Record<string, unknown>)[WEBHOOK_EVENT_PROPERTY];
  if (event === undefined || event === null) {
    throw new Error("no verified webhook on this request: is the @herald/webhooks middleware in front of this route?");
  }
  return event as T;
}

/** The raw body the middleware verified, exactly as received. */
export function getRawBody(request: object): Buffer {
  const body = (request as Record<string, unknown>)[RAW_BODY_PROPERTY];
  if (!Buffer.isBuffer(body)) {
    throw new Error("no raw webhook body on this request: is the @herald/webhooks middleware in front of this route?");
  }
  return body;
}

/** Stores the verified event and raw body on a request object. */
export function attachToRequest(request: object, event: unknown, rawBody: Buffer): void {
  const target = request as Record<string, unknown>;
  target[WEBHOOK_EVENT_PROPERTY] = event;
  target[RAW_BODY_PROPERTY] = rawBody;
}
