/**
 * `Idempotency-Key` on every POST (contract §3): the same key with the same
 * request within 24 h answers what the first one answered, without running it
 * again; with a different request, 409.
 *
 * The key is claimed after authentication and validation (a request that
 * fails those never ran, so it records nothing, as Stripe does) and completed
 * in onSend, before the answer leaves: a retry that arrives after the client
 * saw the answer always finds it. 5xx answers release the key so a retry runs
 * again.
 *
 * Stored answers are sealed with the secret box: the answer to creating a key
 * or an endpoint, or to rotating a secret, carries that secret, and secrets
 * are never kept in clear at rest.
 */
import { createHash } from "node:crypto";
import type { FastifyReply, FastifyRequest } from "fastify";
import { conflict, invalid } from "../domain/errors.js";
import type { SecretBox } from "../secrets/secret-box.js";
import type { Store } from "../store/store.js";

export const IDEMPOTENCY_HEADER = "idempotency-key";
export const MAX_KEY_LENGTH = 255;

export function idempotencyHooks(store: Store, box: SecretBox) {
  async function preHandler(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> {
    if (request.method !== "POST") return undefined;
    const key = request.headers[IDEMPOTENCY_HEADER];
    if (key === undefined) return undefined;
    if (typeof key !== "string" || key.length === 0 || key.length > MAX_KEY_LENGTH) {
      throw invalid("parameter_invalid", `Idempotency-Key must be 1–${MAX_KEY_LENGTH} characters.`, "Idempotency-Key");
    }
    const principal = request.principal;
    if (principal === null) return undefined;
    const scope = principal.kind === "operator" ? "operator" : `${principal.scope.accountId}:${principal.scope.mode}`;
    const begun = await store.beginIdempotent(scope, key, requestHash(request), Date.now());
    switch (begun.state) {
      case "new":
        request.idempotency = { scope, key };
        return undefined;
      case "replay":
        return reply
          .code(begun.status)
          .header("idempotent-replayed", "true")
          .type("application/json")
          .send(box.open(begun.body));
      case "mismatch":
        throw conflict(
          "idempotency_key_reused",
          "This Idempotency-Key was used with a different request in the last 24 hours: use a new key for a new request.",
          "Idempotency-Key",
        );
      case "in_progress":
        throw conflict(
          "idempotency_key_in_use",
          "A request with this Idempotency-Key is still running: retry once it has answered.",
          "Idempotency-Key",
        );
    }
  }

  async function onSend(request: FastifyRequest, reply: FastifyReply, payload: unknown): Promise<unknown> {
    const claimed = request.idempotency;
    if (claimed === null) return payload;
    request.idempotency = null;
    try {
      if (reply.statusCode < 500 && typeof payload === "string") {
        await store.completeIdempotent(claimed.scope, claimed.key, reply.statusCode, box.seal(payload));
      } else {
        await store.abortIdempotent(claimed.scope, claimed.key);
      }
    } catch (err) {
      // The answer itself is right; only a later replay is affected.
      request.log.error({ err }, "could not record the Idempotency-Key result");
    }
    return payload;
  }

  return { preHandler, onSend };
}

/**
 * What "the same request" means: method, path, the account an operator acts
 * for (`Herald-Account`) and the raw body bytes.
 */
export function idempotencyHash(method: string, path: string, heraldAccount: string, rawBody: string): string {
  return createHash("sha256").update(`${method}\n${path}\n${heraldAccount}\n`).update(rawBody).digest("hex");
}

function requestHash(request: FastifyRequest): string {
  const path = request.url.split("?")[0] ?? request.url;
  return idempotencyHash(request.method, path, String(request.headers["herald-account"] ?? ""), request.rawBody);
}
