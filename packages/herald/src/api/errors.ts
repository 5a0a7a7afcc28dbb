/**
 * Every answer that is not a success has the contract's shape
 * `{"error": {type, code, message, param?}}`. HeraldErrors pass through;
 * Fastify's own request errors (body parsing, media type, size) are mapped;
 * anything else is our bug: a generic 500, with the real error in the log.
 */
import type { FastifyReply, FastifyRequest } from "fastify";
import { HeraldError, invalid } from "../domain/errors.js";

export function toHeraldError(error: unknown): HeraldError {
  if (error instanceof HeraldError) return error;
  const { code, statusCode, message } = error as { code?: unknown; statusCode?: unknown; message?: unknown };
  switch (code) {
    case "FST_ERR_CTP_INVALID_MEDIA_TYPE":
      return new HeraldError(
        "invalid_request_error",
        "unsupported_media_type",
        "Send the request body as JSON, with `Content-Type: application/json`.",
        { status: 415 },
      );
    case "FST_ERR_CTP_BODY_TOO_LARGE":
      return new HeraldError(
        "invalid_request_error",
        "payload_too_large",
        "The request body is larger than the 256 KiB limit.",
        { status: 413 },
      );
    case "FST_ERR_MAX_PARAM_LENGTH":
      return new HeraldError("invalid_request_error", "url_too_long", "A path segment is longer than 256 characters.", {
        status: 414,
      });
    case "FST_ERR_CTP_INVALID_JSON_BODY":
    case "FST_ERR_CTP_EMPTY_JSON_BODY":
      return invalid("invalid_json", "The request body is not valid JSON.");
  }
  // Fastify's other 4xx (bad URL encoding, bad content-length, …) are the
  // client's doing: keep their status and message.
  if (typeof statusCode === "number" && statusCode >= 400 && statusCode < 500) {
    const text = typeof message === "string" && message !== "" ? message : "The request could not be read.";
    if (statusCode === 404) return new HeraldError("not_found", "resource_missing", text);
    if (statusCode === 429) return new HeraldError("rate_limit_error", "rate_limited", text);
    return new HeraldError("invalid_request_error", "invalid_request", text, { status: statusCode });
  }
  return new HeraldError(
    "api_error",
    "internal_error",
    "Herald hit an unexpected error. Try again; if it persists, check the server log.",
  );
}

export function errorHandler(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const herald = toHeraldError(error);
  if (herald.status >= 500) request.log.error({ err: error }, "request failed");
  if (herald.headers !== undefined) void reply.headers(herald.headers);
  return reply.code(herald.status).type("application/json").send(herald.toJSON());
}

export function notFoundHandler(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const path = request.url.split("?")[0] ?? request.url;
  const error = new HeraldError(
    "not_found",
    "route_not_found",
    `Unrecognized request URL (${request.method}: ${path}). GET /openapi.json lists every route.`,
  );
  return reply.code(404).type("application/json").send(error.toJSON());
}
