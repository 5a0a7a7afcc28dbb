import type { IncomingMessage, ServerResponse } from "node:http";
import type { WebhookEvent } from "../event.js";
import { claimForResponse } from "./claim-request.js";
import { sendAnswer } from "./node-response.js";
import type { WebhookMiddlewareOptions } from "./options.js";
import { DEFAULT_BODY_LIMIT, readRawBody, WebhookRequestError } from "./raw-body.js";
import { rejectionAnswer } from "./rejection.js";
import { verifyWithAnySecret } from "./verify-any.js";

/** A Node request, possibly with a `body` a framework's parser already set (Express). */
export type NodeRequest = IncomingMessage & { body?: unknown };

/** A verified webhook: the parsed event and the exact bytes it was verified over. */
export interface VerifiedRequest<T> {
  event: T;
  rawBody: Buffer;
}

/**
 * Reads a request's raw body and verifies it.
 *
 * The body is taken from `request.body` when a raw parser already read it (a Buffer from
 * `express.raw()`, a string from `express.text()`), otherwise read from the stream here.
 *
 * @throws WebhookVerificationError when the webhook must not be trusted
 * @throws WebhookRequestError `body_too_large`, or `body_already_parsed` when a JSON parser
 * ran first (mount the webhook route before `express.json()`)
 * @throws SyntaxError when the verified body is not JSON
 */
export async function verifyNodeRequest<T = WebhookEvent>(
  request: NodeRequest,
  options: WebhookMiddlewareOptions,
): Promise<VerifiedRequest<T>> {
  const rawBody = await rawBodyOf(request, options.bodyLimit ?? DEFAULT_BODY_LIMIT);
  const event = verifyWithAnySecret<T>(rawBody, request.headers, options.secret, options);
  return { event, rawBody };
}

async function rawBodyOf(request: NodeRequest, limit: number): Promise<Buffer> {
  const body = request.body;
  if (Buffer.isBuffer(body)) return body;
  if (typeof body === "string") return Buffer.from(body, "utf8");
  // body-parser marks a request it read with `_body`; an ended stream was read by someone.
  if (request.readableEnded || (request as { _body?: unknown })._body === true) {
    throw new WebhookRequestError(
      "body_already_parsed",
      "a body parser read this request before the webhook middleware, so the raw body is gone: " +
        "mount the webhook route before express.json(), or use express.raw({ type: 'application/json' }) on it",
    );
  }
  return readRawBody(request, limit, request.headers["content-length"]);
}

/** What the handler given to {@link nodeWebhookHandler} gets besides the event. */
export interface NodeWebhookContext {
  request: IncomingMessage;
  response: ServerResponse;
  rawBody: Buffer;
}

/** Options of {@link nodeWebhookHandler}. */
export interface NodeWebhookHandlerOptions<T> extends WebhookMiddlewareOptions {
  /**
   * Called with each verified event. When it returns without answering, the handler answers
   * `200 {"received": true}`; when it throws, `500` (so Herald retries).
   */
  onEvent(event: T, context: NodeWebhookContext): unknown;
}

/**
 * A request listener for `http.createServer` (or a route of any Node router) that keeps the
 * raw body, verifies it, and calls `onEvent` with the parsed event. Unverifiable requests get
 * `400 {"error": {code, message}}` and never reach `onEvent`.
 *
 * ```ts
 * createServer(nodeWebhookHandler({ secret: process.env.HERALD_SECRET, onEvent: (event) => … }));
 * ```
 */
export function nodeWebhookHandler<T = WebhookEvent>(
  options: NodeWebhookHandlerOptions<T>,
): (request: IncomingMessage, response: ServerResponse) => Promise<void> {
  return async (request, response) => {
    if (request.method !== "POST") {
      response.setHeader("allow", "POST");
      sendAnswer(response, {
        status: 405,
        body: { error: { code: "method_not_allowed", message: "webhooks are POSTed" } },
      });
      return;
    }
    let verified: VerifiedRequest<T>;
    try {
      verified = await verifyNodeRequest<T>(request, options);
    } catch (error) {
      sendAnswer(response, rejectionAnswer(error) ?? internalError());
      return;
    }
    try {
      if (options.idempotency !== undefined) {
        const answer = await claimForResponse(options.idempotency, verified.event, request.headers, response);
        if (answer !== undefined) {
          sendAnswer(response, answer);
          return;
        }
      }
      await options.onEvent(verified.event, { request, response, rawBody: verified.rawBody });
      if (!response.writableEnded) sendAnswer(response, { status: 200, body: { received: true } });
    } catch {
      // The handler's error stays in this process: the sender only learns to retry.
      sendAnswer(response, internalError());
    }
  };
}

function internalError() {
  return { status: 500, body: { error: { code: "handler_failed", message: "the webhook handler failed" } } };
}
