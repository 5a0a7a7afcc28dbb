/**
 * Dashboard sign-in: one-time links (5 minutes) and cookie sessions (12 h),
 * kept in the store's dashboard tokens. Tokens are random and only their
 * sha256 is stored. A link is used by one conditional update, so one-time
 * use holds also across processes; sign-out deletes the session; the
 * retention job deletes expired links and sessions.
 *
 * A session cookie authenticates the account routes like a secret key of the
 * session's mode would. Every state-changing request made with it must carry
 * `x-csrf-token` equal to the session's CSRF token (given by
 * `GET /v1/dashboard/session`), else 403.
 */
import { randomBytes, timingSafeEqual } from "node:crypto";
import type { FastifyReply, FastifyRequest } from "fastify";
import { HeraldError } from "../domain/errors.js";
import type { Mode } from "../domain/types.js";
import { hashSecret } from "../secrets/api-key.js";
import type { Store } from "../store/store.js";
import type { PrincipalResolver } from "./auth.js";

export const LINK_TTL_MS = 5 * 60_000;
export const SESSION_TTL_MS = 12 * 3600_000;
export const SESSION_COOKIE = "herald_session";
export const CSRF_HEADER = "x-csrf-token";

export interface DashboardSession {
  /** sha256 of the cookie value: the store's key. */
  hash: string;
  accountId: string;
  mode: Mode;
  expiresAt: number;
  csrf: string;
}

const token = (prefix: string) => `${prefix}${randomBytes(32).toString("base64url")}`;

/** Creates a one-time sign-in link for an account; `base` is `http(s)://host:port`. */
export async function createDashboardLink(
  store: Store,
  accountId: string,
  mode: Mode,
  base: string,
  now = Date.now(),
): Promise<{ url: string; expiresAt: number }> {
  const secret = token("dl_");
  const expiresAt = now + LINK_TTL_MS;
  await store.saveDashboardToken({
    hash: hashSecret(secret),
    kind: "link",
    accountId,
    mode,
    csrf: null,
    expiresAt,
    usedAt: null,
  });
  return { url: `${base}/dashboard/login?token=${encodeURIComponent(secret)}`, expiresAt };
}

/** Uses a link once: its account and mode, or null when unknown, expired or already used. */
export async function consumeDashboardLink(
  store: Store,
  secret: string,
  now = Date.now(),
): Promise<{ accountId: string; mode: Mode } | null> {
  const link = await store.useDashboardLink(hashSecret(secret), now);
  return link === null ? null : { accountId: link.accountId, mode: link.mode };
}

/** Opens a session; answers the cookie value (shown to nobody but the browser). */
export async function createSession(
  store: Store,
  accountId: string,
  mode: Mode,
  now = Date.now(),
): Promise<{ cookie: string; session: DashboardSession }> {
  const cookie = token("ds_");
  const session: DashboardSession = {
    hash: hashSecret(cookie),
    accountId,
    mode,
    expiresAt: now + SESSION_TTL_MS,
    csrf: randomBytes(24).toString("base64url"),
  };
  await saveSession(store, session);
  return { cookie, session };
}

export async function saveSession(store: Store, session: DashboardSession): Promise<void> {
  await store.saveDashboardToken({ ...session, kind: "session", usedAt: null });
}

export async function revokeSession(store: Store, session: DashboardSession): Promise<void> {
  await store.deleteDashboardToken(session.hash);
}

function cookieValue(request: FastifyRequest, name: string): string | null {
  const header = request.headers.cookie;
  if (header === undefined) return null;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return null;
}

/** The live session the request's cookie names, or null. */
export async function sessionOf(
  store: Store,
  request: FastifyRequest,
  now = Date.now(),
): Promise<DashboardSession | null> {
  const value = cookieValue(request, SESSION_COOKIE);
  if (value === null || value.length > 200) return null;
  const stored = await store.getDashboardToken(hashSecret(value));
  if (stored === null || stored.kind !== "session" || stored.csrf === null || stored.expiresAt <= now) return null;
  return {
    hash: stored.hash,
    accountId: stored.accountId,
    mode: stored.mode,
    expiresAt: stored.expiresAt,
    csrf: stored.csrf,
  };
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** Throws 403 unless a state-changing request carries the session's CSRF token. */
export function checkCsrf(request: FastifyRequest, session: DashboardSession): void {
  if (SAFE_METHODS.has(request.method)) return;
  const given = request.headers[CSRF_HEADER];
  const a = Buffer.from(typeof given === "string" ? given : "");
  const b = Buffer.from(session.csrf);
  if (a.length !== b.length || !timingSafeEqual(a, b)) {
    throw new HeraldError(
      "permission_error",
      "csrf_token_invalid",
      `Requests made with a dashboard session must carry the \`${CSRF_HEADER}\` header from GET /v1/dashboard/session.`,
    );
  }
}

const sessions = new WeakMap<FastifyRequest, DashboardSession>();

/** The session a request was authenticated with, when it was a cookie session. */
export function requestSession(request: FastifyRequest): DashboardSession | undefined {
  return sessions.get(request);
}

/** The cookie-session principal resolver (tried after the bearer resolver). */
export function sessionResolver(deps: { store: Store }): PrincipalResolver {
  return async (request) => {
    const session = await sessionOf(deps.store, request);
    if (session === null) return null;
    const account = await deps.store.getAccount(session.accountId);
    if (account === null) return null;
    checkCsrf(request, session);
    sessions.set(request, session);
    return { kind: "account", account, scope: { accountId: account.id, mode: session.mode }, keyId: null };
  };
}

/** Sets (or, with null, clears) the session cookie. */
export function setSessionCookie(request: FastifyRequest, reply: FastifyReply, value: string | null): void {
  const secure = request.protocol === "https" ? "; Secure" : "";
  const attrs =
    value === null
      ? `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0${secure}`
      : `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${SESSION_TTL_MS / 1000}${secure}`;
  reply.header("set-cookie", attrs);
}
