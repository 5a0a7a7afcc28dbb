/**
 * Dashboard sign-in and session routes (see ../session.ts for the design):
 * the operator mints one-time links, the browser trades a link (or a pasted
 * secret key) for a cookie session, switches mode and signs out.
 */
import { Type } from "@sinclair/typebox";
import { HeraldError, notFound } from "../../domain/errors.js";
import type { Mode } from "../../domain/types.js";
import { hashSecret, isKeyUsable, modeOfKey } from "../../secrets/api-key.js";
import type { ApiDeps } from "../deps.js";
import { IdParams } from "../schemas/common.js";
import {
  checkCsrf,
  consumeDashboardLink,
  createDashboardLink,
  createSession,
  type DashboardSession,
  requestSession,
  revokeSession,
  saveSession,
  sessionOf,
  setSessionCookie,
} from "../session.js";
import type { Api } from "../type-provider.js";

const tags = ["Dashboard"];
const ModeSchema = Type.Union([Type.Literal("test"), Type.Literal("live")]);

const DashboardLinkSchema = Type.Object(
  {
    url: Type.String({ description: "Open it in a browser within 5 minutes; it works once." }),
    expires_at: Type.Integer({ description: "Unix seconds." }),
  },
  { additionalProperties: false },
);

const SessionSchema = Type.Object(
  {
    object: Type.Literal("dashboard_session"),
    account: Type.Object({ id: Type.String(), name: Type.String(), plan: Type.String() }),
    mode: ModeSchema,
    csrf_token: Type.String({ description: "Send it as `x-csrf-token` on every state-changing request." }),
    expires_at: Type.Integer(),
  },
  { additionalProperties: false },
);

const unauthenticated = () =>
  new HeraldError("authentication_error", "session_required", "No dashboard session: sign in again.");

async function sessionJson(deps: ApiDeps, session: DashboardSession) {
  const account = await deps.store.getAccount(session.accountId);
  if (account === null) throw unauthenticated();
  return {
    object: "dashboard_session" as const,
    account: { id: account.id, name: account.name, plan: account.plan },
    mode: session.mode,
    csrf_token: session.csrf,
    expires_at: Math.floor(session.expiresAt / 1000),
  };
}

const REFUSED_PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign-in link refused</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head><body style="font-family:system-ui;max-width:36rem;margin:3rem auto;padding:0 1rem">
<h1>This sign-in link cannot be used</h1><p>It is unknown, has expired (links last 5 minutes) or was already used. Ask for a new link, or
<a href="/dashboard/login">sign in with a secret key</a>.</p></body></html>`;

export function dashboardRoutes(app: Api, deps: ApiDeps): void {
  const { store } = deps;

  app.post(
    "/v1/accounts/:id/dashboard_links",
    {
      config: { auth: "operator" },
      schema: {
        tags,
        summary: "Create a one-time sign-in link to an account's dashboard (valid 5 minutes)",
        params: IdParams,
        body: Type.Optional(Type.Object({ mode: Type.Optional(ModeSchema) }, { additionalProperties: false })),
        response: { 200: DashboardLinkSchema },
      },
    },
    async (request) => {
      const account = await store.getAccount(request.params.id);
      if (account === null) throw notFound("account", request.params.id);
      const base = `${request.protocol}://${request.host}`;
      const link = await createDashboardLink(store, account.id, request.body?.mode ?? "test", base);
      return { url: link.url, expires_at: Math.floor(link.expiresAt / 1000) };
    },
  );

  app.get(
    "/dashboard/login",
    {
      schema: {
        tags,
        summary: "Open a sign-in link: sets the session cookie and redirects to the dashboard",
        querystring: Type.Object({ token: Type.Optional(Type.String({ maxLength: 200 })) }),
      },
    },
    async (request, reply) => {
      const token = request.query.token;
      if (token === undefined) return reply.redirect("/dashboard/signin");
      const link = await consumeDashboardLink(store, token);
      if (link === null || (await store.getAccount(link.accountId)) === null) {
        return reply
          .code(410)
          .header("cache-control", "no-store")
          .header("content-security-policy", "default-src 'none'; style-src 'unsafe-inline'")
          .type("text/html; charset=utf-8")
          .send(REFUSED_PAGE);
      }
      const { cookie } = await createSession(store, link.accountId, link.mode);
      setSessionCookie(request, reply, cookie);
      return reply.header("cache-control", "no-store").header("referrer-policy", "no-referrer").redirect("/dashboard/");
    },
  );

  app.get(
    "/v1/dashboard/session",
    {
      // Free accounts can sign in; the webhook routes then answer plan_required.
      config: { auth: "account", freePlan: true },
      schema: {
        tags,
        summary: "The dashboard session: account, mode and CSRF token",
        response: { 200: SessionSchema },
      },
    },
    async (request, reply) => {
      const session = requestSession(request);
      if (session === undefined) throw unauthenticated();
      reply.header("cache-control", "no-store");
      return sessionJson(deps, session);
    },
  );

  app.post(
    "/v1/dashboard/session",
    {
      schema: {
        tags,
        summary: "Sign in with a secret key (`secret_key`), or switch the session's mode (`mode`, needs x-csrf-token)",
        body: Type.Object(
          { secret_key: Type.Optional(Type.String({ maxLength: 200 })), mode: Type.Optional(ModeSchema) },
          { additionalProperties: false },
        ),
        response: { 200: SessionSchema },
      },
    },
    async (request, reply) => {
      reply.header("cache-control", "no-store");
      const { secret_key: secretKey, mode } = request.body;
      if (secretKey !== undefined) {
        const keyMode = modeOfKey(secretKey);
        const key = keyMode === null ? null : await store.findApiKeyByHash(hashSecret(secretKey));
        const account = key === null || !isKeyUsable(key, Date.now()) ? null : await store.getAccount(key.accountId);
        if (key === null || account === null || keyMode === null || key.mode !== keyMode) {
          throw new HeraldError("authentication_error", "invalid_api_key", "Invalid secret key.", {
            param: "secret_key",
          });
        }
        const { cookie, session } = await createSession(store, account.id, keyMode);
        setSessionCookie(request, reply, cookie);
        return sessionJson(deps, session);
      }
      const session = await sessionOf(store, request);
      if (session === null) throw unauthenticated();
      checkCsrf(request, session);
      if (mode !== undefined) {
        const next: DashboardSession = { ...session, mode: mode as Mode };
        await saveSession(store, next);
        return sessionJson(deps, next);
      }
      return sessionJson(deps, session);
    },
  );

  app.delete(
    "/v1/dashboard/session",
    { schema: { tags, summary: "Sign out of the dashboard" } },
    async (request, reply) => {
      const session = await sessionOf(store, request);
      if (session !== null) {
        checkCsrf(request, session);
        await revokeSession(store, session);
      }
      setSessionCookie(request, reply, null);
      return reply.code(204).send();
    },
  );
}
