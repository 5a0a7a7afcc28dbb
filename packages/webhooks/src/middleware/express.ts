import type { ServerResponse } from "node:http";
import type { WebhookEvent } from "../event.js";
import { claimForResponse } from "./claim-request.js";
import { type NodeRequest, verifyNodeRequest } from "./node.js";
import { sendAnswer } from "./node-response.js";
import type { WebhookMiddlewareOptions } from "./options.js";
import { rejectionAnswer } from "./rejection.js";
import { attachToRequest } from "./request-event.js";

/** Express's `next`, structurally: the package does not import Express. */
export type NextFunction = (error?: unknown) => void;

/**
 * Express middleware (4 and 5) that keeps the raw body, verifies it and hands the parsed
 * event to the next handler as `req.body` (and `getWebhookEvent(req)`; the bytes as
 * `getRawBody(req)`). Unverifiable requests are answered `400 {"error": {code, message}}`.
 *
 * It reads the body stream itself, so mount the route before any `express.json()`, or
 * put `express.raw({ type: "application/json" })` in front of it (both work):
 *
 * ```ts
 * app.post("/webhooks", expressWebhookMiddleware({ secret }), (req, res) => {
 *   const event = getWebhookEvent(req);
 *   res.sendStatus(200);
 * });
 * app.use(express.json()); // the rest of the app
 * ```
 *
 * A body already parsed by a JSON parser cannot be verified: that is passed to `next(error)`
 * (a 500 from Express, so Herald retries once the app is fixed).
 */
export function expressWebhookMiddleware(
  options: WebhookMiddlewareOptions,
): (request: NodeRequest, response: ServerResponse, next: NextFunction) => void {
  return (request, response, next) => {
    handle(request, response, options).then((proceed) => {
      if (proceed) next();
    }, next);
  };
}

async function handle(request: NodeRequest, response: ServerResponse, options: WebhookMiddlewareOptions) {
  let event: WebhookEvent;
  try {
    const verified = await verifyNodeRequest(request, options);
    event = verified.event;
    attachToRequest(request, event, verified.rawBody);
  } catch (error) {
    const answer = rejectionAnswer(error);
    if (answer === undefined) throw error;
    sendAnswer(response, answer);
    return false;
  }
  request.body = event;
  if (options.idempotency !== undefined) {
    const answer = await claimForResponse(options.idempotency, event, request.headers, response);
    if (answer !== undefined) {
      sendAnswer(response, answer);
      return false;
    }
  }
  return true;
}
