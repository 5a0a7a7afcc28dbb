import type { IncomingMessage, ServerResponse } from "node:http";
import type { HeaderRecord } from "../headers.js";
import { claimForResponse } from "./claim-request.js";
import type { WebhookMiddlewareOptions } from "./options.js";
import { DEFAULT_BODY_LIMIT } from "./raw-body.js";
import { type Answer, rejectionAnswer } from "./rejection.js";
import { attachToRequest, RAW_BODY_PROPERTY, WEBHOOK_EVENT_PROPERTY } from "./request-event.js";
import { verifyWithAnySecret } from "./verify-any.js";

// The parts of Fastify the plugin uses, structurally: the package does not import Fastify.
interface FastifyRequestLike {
  headers: HeaderRecord;
  body: unknown;
  raw: IncomingMessage;
}
interface FastifyReplyLike {
  code(status: number): FastifyReplyLike;
  header(name: string, value: string): FastifyReplyLike;
  send(payload: unknown): FastifyReplyLike;
  raw: ServerResponse;
}
type ParserDone = (error: Error | null, body?: unknown) => void;
interface FastifyInstanceLike {
  hasContentTypeParser(contentType: string): boolean;
  removeContentTypeParser(contentType: string): void;
  addContentTypeParser(
    contentType: string,
    options: { parseAs: "buffer"; bodyLimit: number },
    parser: (request: unknown, body: Buffer, done: ParserDone) => void,
  ): void;
  hasRequestDecorator(name: string): boolean;
  decorateRequest(name: string, value: null): void;
  addHook(
    name: "preValidation",
    hook: (request: FastifyRequestLike, reply: FastifyReplyLike) => Promise<FastifyReplyLike | undefined>,
  ): void;
}

/** Options of {@link fastifyWebhookPlugin}. */
export interface FastifyWebhookOptions extends WebhookMiddlewareOptions {}

/**
 * A Fastify (4 and 5) plugin that keeps the raw body of JSON requests and verifies every
 * request of the scope it is registered in, before validation and the handler. The handler
 * sees the verified event as `request.body` (and `getWebhookEvent(request)`; the bytes as
 * `getRawBody(request)`). Unverifiable requests are answered `400 {"error": {code, message}}`.
 *
 * Like a `fastify-plugin` plugin it applies to the scope that registers it, so give your
 * webhook routes a scope of their own; the rest of the app keeps Fastify's JSON parser:
 *
 * ```ts
 * app.register(async (webhooks) => {
 *   await webhooks.register(fastifyWebhookPlugin, { secret });
 *   webhooks.post("/webhooks", async (request) => {
 *     const event = getWebhookEvent(request);
 *     return { received: true };
 *   });
 * });
 * ```
 *
 * The instance is typed `unknown` so the plugin fits every Fastify version's `register`
 * without the package depending on Fastify's types.
 */
export async function fastifyWebhookPlugin(instance: unknown, options: FastifyWebhookOptions): Promise<void> {
  const app = instance as FastifyInstanceLike;
  // Fastify lets a scope replace its default JSON parser, but not a custom one: remove
  // whatever is there so the raw bytes reach us untouched.
  if (app.hasContentTypeParser("application/json")) app.removeContentTypeParser("application/json");
  app.addContentTypeParser(
    "application/json",
    { parseAs: "buffer", bodyLimit: options.bodyLimit ?? DEFAULT_BODY_LIMIT },
    (_request, body, done) => done(null, body),
  );
  for (const name of [WEBHOOK_EVENT_PROPERTY, RAW_BODY_PROPERTY]) {
    if (!app.hasRequestDecorator(name)) app.decorateRequest(name, null);
  }
  app.addHook("preValidation", async (request, reply) => {
    const rawBody = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    let event: unknown;
    try {
      event = verifyWithAnySecret(rawBody, request.headers, options.secret, options);
    } catch (error) {
      const answer = rejectionAnswer(error);
      if (answer === undefined) throw error;
      return send(reply, answer);
    }
    attachToRequest(request, event, rawBody);
    request.body = event;
    if (options.idempotency !== undefined) {
      const answer = await claimForResponse(options.idempotency, event, request.headers, reply.raw);
      if (answer !== undefined) return send(reply, answer);
    }
    return undefined;
  });
}

// What fastify-plugin sets: the plugin's decorators, parser and hook apply to the scope that
// registers it instead of a child scope of their own.
Object.assign(fastifyWebhookPlugin, {
  [Symbol.for("skip-override")]: true,
  [Symbol.for("fastify.display-name")]: "@herald/webhooks",
});

function send(reply: FastifyReplyLike, answer: Answer): FastifyReplyLike {
  return reply.code(answer.status).header("content-type", "application/json").send(JSON.stringify(answer.body));
}
