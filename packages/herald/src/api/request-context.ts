/**
 * What Herald's hooks attach to a request and read from a route's config.
 * Declared on Fastify's own interfaces so handlers get them typed.
 */
import type { Principal, RouteAuth } from "./auth.js";

declare module "fastify" {
  interface FastifyContextConfig {
    /** Who the route admits. Default `none` (no credentials needed). */
    auth?: RouteAuth;
    /** Admit accounts on the `free` plan; every other account route answers 403 `plan_required`. Default false. */
    freePlan?: boolean;
  }

  interface FastifyRequest {
    /** Set by the auth hook on every route whose `auth` is not `none`. */
    principal: Principal | null;
    /** The request body exactly as received ("" when there was none); idempotency hashes it. */
    rawBody: string;
    /** Set while this request owns an Idempotency-Key record that its answer must complete. */
    idempotency: { scope: string; key: string } | null;
  }
}
