/**
 * Who is calling. A request proves it with one credential; each kind of
 * credential has a resolver, tried in order. Today there is one (the bearer
 * token: operator token or `sk_test_`/`sk_live_` key); the dashboard's cookie
 * session will be another resolver producing the same `Principal`.
 */
import { timingSafeEqual } from "node:crypto";
import type { FastifyRequest, onRequestAsyncHookHandler } from "fastify";
import { HeraldError } from "../domain/errors.js";
import type { Account, Scope } from "../domain/types.js";
import { hashSecret, isKeyUsable, modeOfKey } from "../secrets/api-key.js";
import type { Store } from "../store/store.js";

export type Principal =
  | { kind: "operator" }
  | {
      kind: "account";
      account: Account;
      scope: Scope;
      /** The secret key the request used (`key_…`), or null for a dashboard session: the audit log's actor. */
      keyId: string | null;
    };

/** Who a route admits. */
export type RouteAuth = "none" | "operator" | "account" | "operator_or_account";

/**
 * One way of proving who you are. Answers null when the request carries no
 * credential of this kind (the next resolver is tried) and throws a
 * HeraldError when it carries a bad one.
 */
export type PrincipalResolver = (request: FastifyRequest) => Promise<Principal | null>;

const unauthenticated = (code: string, message: string) => new HeraldError("authentication_error", code, message);

/** `Authorization: Bearer <operator token | sk_test_… | sk_live_…>`. */
export function bearerResolver(deps: { store: Store; adminTokenHash: string }): PrincipalResolver {
  const adminHash = Buffer.from(deps.adminTokenHash, "hex");
  return async (request) => {
    const header = request.headers.authorization;
    if (header === undefined) return null;
    const match = /^Bearer +(\S+) *$/i.exec(header);
    if (match?.[1] === undefined) {
      throw unauthenticated("invalid_api_key", "Malformed Authorization header: send `Authorization: Bearer <key>`.");
    }
    const token = match[1];
    const hash = hashSecret(token);
    const mode = modeOfKey(token);
    if (mode !== null) {
      // Asked of the store on every request (auth keeps nothing): a revoked or
      // expired key is refused by the very next request, on every process.
      // (The SQLite store's own read cache is emptied by every key write.)
      const owner = await deps.store.findKeyOwner(hash);
      if (owner === null || !isKeyUsable(owner.key, Date.now()) || owner.key.mode !== mode) {
        throw unauthenticated("invalid_api_key", `Invalid API key provided: ${redact(token)}.`);
      }
      const { key, account } = owner;
      return { kind: "account", account, scope: { accountId: account.id, mode }, keyId: key.id };
    }
    const given = Buffer.from(hash, "hex");
    if (given.length === adminHash.length && timingSafeEqual(given, adminHash)) return { kind: "operator" };
    throw unauthenticated(
      "invalid_api_key",
      "Invalid API key provided: use an `sk_test_`/`sk_live_` key or the operator token.",
    );
  };
}

/** `sk_test_abc…wxyz` → `sk_test_****wxyz`: enough to recognise the key, not to use it. */
function redact(token: string): string {
  const prefix = token.slice(0, 8);
  return `${prefix}****${token.length > 12 ? token.slice(-4) : ""}`;
}

/**
 * The onRequest hook: resolves the principal for every route that needs one
 * and enforces the route's `auth` and the plan gate, before the body is read.
 */
export function authenticate(resolvers: readonly PrincipalResolver[]): onRequestAsyncHookHandler {
  return async (request) => {
    const config = request.routeOptions.config;
    const required = config.auth ?? "none";
    if (required === "none") return;
    let principal: Principal | null = null;
    for (const resolve of resolvers) {
      principal = await resolve(request);
      if (principal !== null) break;
    }
    if (principal === null) {
      throw unauthenticated(
        "missing_api_key",
        "No API key provided: send `Authorization: Bearer sk_test_…` (or the operator token for operator routes).",
      );
    }
    if (principal.kind === "account" && required === "operator") {
      throw unauthenticated(
        "operator_token_required",
        "This route needs the operator token, not an account's secret key.",
      );
    }
    if (principal.kind === "operator" && required === "account") {
      throw unauthenticated(
        "secret_key_required",
        "This route acts on one account's objects: use that account's `sk_test_`/`sk_live_` secret key, not the operator token.",
      );
    }
    if (principal.kind === "account" && principal.account.plan === "free" && config.freePlan !== true) {
      throw new HeraldError(
        "permission_error",
        "plan_required",
        "Webhooks are not included in the free plan: ask the platform to move this account to `pro` or `business`.",
      );
    }
    request.principal = principal;
  };
}

/** The calling account and the scope of its key; only on routes with `auth: "account"`. */
export function accountOf(request: FastifyRequest): { account: Account; scope: Scope } {
  const principal = request.principal;
  if (principal?.kind !== "account") throw new Error("accountOf() on a route that does not require a secret key.");
  return principal;
}
