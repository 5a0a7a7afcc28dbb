/**
 * JSON is the only request body Herald reads. The raw text is kept for the
 * Idempotency-Key hash; an empty body counts as `{}` so POSTs whose fields are
 * all optional work without one.
 */
import type { FastifyInstance } from "fastify";

export const BODY_LIMIT = 256 * 1024;

export function installBodyParsing(app: FastifyInstance): void {
  // Fastify also reads text/plain by default; a body route must answer 415 to it.
  app.removeAllContentTypeParsers();
  const parseJson = app.getDefaultJsonParser("error", "error");
  app.addContentTypeParser("application/json", { parseAs: "string", bodyLimit: BODY_LIMIT }, (request, body, done) => {
    const text = body as string;
    request.rawBody = text;
    if (text.trim() === "") return done(null, undefined);
    parseJson(request, text, done);
  });
  app.addHook("preValidation", async (request) => {
    if (request.body === undefined && (request.method === "POST" || request.method === "PATCH")) request.body = {};
  });
}
