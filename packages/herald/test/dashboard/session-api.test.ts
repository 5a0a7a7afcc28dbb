/**
 * Dashboard sign-in at the HTTP level: one-time links, cookie flags, expiry,
 * CSRF, mode switch, sign-out, secret-key sign-in and account isolation.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import pino from "pino";
import { request } from "undici";
import { createDashboardLink, createSession, SESSION_COOKIE } from "../../src/api/session.js";
import { hashSecret } from "../../src/secrets/api-key.js";
import { RetentionJob } from "../../src/server/retention.js";
import { type LiveHerald, startHerald } from "../helpers/live-server.js";

async function call(
  url: string,
  method: string,
  opts: { cookie?: string; csrf?: string; body?: unknown; headers?: Record<string, string> } = {},
) {
  const res = await request(url, {
    method: method as "GET",
    headers: {
      ...(opts.cookie === undefined ? {} : { cookie: `${SESSION_COOKIE}=${opts.cookie}` }),
      ...(opts.csrf === undefined ? {} : { "x-csrf-token": opts.csrf }),
      ...(opts.body === undefined ? {} : { "content-type": "application/json" }),
      ...opts.headers,
    },
    ...(opts.body === undefined ? {} : { body: JSON.stringify(opts.body) }),
  });
  const text = await res.body.text();
  let body: any = text;
  try {
    body = JSON.parse(text);
  } catch {}
  return { status: res.statusCode, headers: res.headers, body };
}

function cookieFrom(setCookie: string | string[] | undefined): string {
  const line = Array.isArray(setCookie) ? setCookie[0] : setCookie;
  const match = new RegExp(`${SESSION_COOKIE}=([^;]+)`).exec(line ?? "");
  assert.ok(match?.[1], `no session cookie in ${line}`);
  return match[1];
}

describe("dashboard sign-in API", () => {
  let h: LiveHerald;
  let acct: { id: string; testKey: string; liveKey: string };
  before(async () => {
    h = await startHerald();
    acct = await h.account("Dash");
  });
  after(() => h.stop());

  async function signIn(mode: "test" | "live" = "test") {
    const link = await h.api("POST", `/v1/accounts/${acct.id}/dashboard_links`, { mode });
    assert.equal(link.status, 200);
    const res = await call(link.body.url, "GET");
    assert.equal(res.status, 302);
    const cookie = cookieFrom(res.headers["set-cookie"]);
    const session = await call(`${h.url}/v1/dashboard/session`, "GET", { cookie });
    assert.equal(session.status, 200);
    return { cookie, csrf: session.body.csrf_token as string };
  }

  test("first start prints a dashboard sign-in link for the demo account, and it works", async () => {
    const line = h.printed.find((l) => l.startsWith("Dashboard sign-in (expires in 5 minutes): "));
    assert.ok(line, h.printed.join("\n"));
    const url = line.slice(line.indexOf("http"));
    assert.match(url, new RegExp(`^${h.url}/dashboard/login\\?token=`));
    const res = await call(url, "GET");
    assert.equal(res.status, 302);
    const session = await call(`${h.url}/v1/dashboard/session`, "GET", {
      cookie: cookieFrom(res.headers["set-cookie"]),
    });
    assert.equal(session.body.account.name, "Demo");
    assert.equal(session.body.mode, "test");
  });

  test("a link answers {url, expires_at} in 5 minutes and needs the operator token", async () => {
    const now = Math.floor(Date.now() / 1000);
    const res = await h.api("POST", `/v1/accounts/${acct.id}/dashboard_links`, {});
    assert.equal(res.status, 200);
    assert.deepEqual(Object.keys(res.body).sort(), ["expires_at", "url"]);
    assert.ok(res.body.expires_at >= now + 299 && res.body.expires_at <= now + 301);
    assert.equal((await h.api("POST", `/v1/accounts/${acct.id}/dashboard_links`, {}, acct.testKey)).status, 401);
    assert.equal((await h.api("POST", "/v1/accounts/acct_missing/dashboard_links", {})).status, 404);
  });

  test("opening a link sets an HttpOnly SameSite=Strict cookie and redirects to /dashboard/", async () => {
    const link = await h.api("POST", `/v1/accounts/${acct.id}/dashboard_links`, { mode: "live" });
    const res = await call(link.body.url, "GET");
    assert.equal(res.status, 302);
    assert.equal(res.headers.location, "/dashboard/");
    const setCookie = String(res.headers["set-cookie"]);
    assert.match(setCookie, /HttpOnly/);
    assert.match(setCookie, /SameSite=Strict/);
    assert.match(setCookie, /Path=\//);
    assert.doesNotMatch(setCookie, /Secure/, "plain http: no Secure flag");
    assert.match(setCookie, /Max-Age=43200/);
    const session = await call(`${h.url}/v1/dashboard/session`, "GET", { cookie: cookieFrom(setCookie) });
    assert.equal(session.body.mode, "live");
    assert.equal(session.body.account.id, acct.id);
    assert.ok(session.body.csrf_token.length >= 20);
  });

  test("a link works once", async () => {
    const link = await h.api("POST", `/v1/accounts/${acct.id}/dashboard_links`, {});
    const [a, b] = await Promise.all([call(link.body.url, "GET"), call(link.body.url, "GET")]);
    assert.deepEqual([a.status, b.status].sort(), [302, 410]);
    assert.equal((await call(link.body.url, "GET")).status, 410);
  });

  test("an expired or unknown link is refused", async () => {
    const old = await createDashboardLink(h.server.store, acct.id, "test", h.url, Date.now() - 6 * 60_000);
    const res = await call(old.url, "GET");
    assert.equal(res.status, 410);
    assert.equal(res.headers["set-cookie"], undefined);
    assert.match(res.body, /cannot be used/);
    assert.equal((await call(`${h.url}/dashboard/login?token=dl_nope`, "GET")).status, 410);
  });

  test("the retention job deletes expired links and sessions; used and expired links stay refused", async () => {
    const store = h.server.store;
    const hashOf = (url: string) => hashSecret(new URL(url).searchParams.get("token") as string);
    const expiredLink = await createDashboardLink(store, acct.id, "test", h.url, Date.now() - 6 * 60_000);
    const usedLink = await createDashboardLink(store, acct.id, "test", h.url);
    assert.equal((await call(usedLink.url, "GET")).status, 302);
    const expiredSession = await createSession(store, acct.id, "test", Date.now() - 13 * 3600_000);
    const liveSession = await createSession(store, acct.id, "test");
    assert.ok(await store.getDashboardToken(hashOf(expiredLink.url)), "the expired link's row exists before the prune");
    assert.ok(await store.getDashboardToken(expiredSession.session.hash));

    await new RetentionJob({ store, logger: pino({ level: "silent" }), retentionDays: 30 }).runOnce();

    assert.equal(await store.getDashboardToken(hashOf(expiredLink.url)), null);
    assert.equal(await store.getDashboardToken(expiredSession.session.hash), null);
    assert.equal(
      (await store.getDashboardToken(hashOf(usedLink.url)))?.usedAt !== null,
      true,
      "a used link is kept until it expires",
    );
    assert.ok(await store.getDashboardToken(liveSession.session.hash), "live sessions stay");
    assert.equal((await call(expiredLink.url, "GET")).status, 410);
    assert.equal((await call(usedLink.url, "GET")).status, 410);
    assert.equal((await call(`${h.url}/v1/webhooks`, "GET", { cookie: expiredSession.cookie })).status, 401);
    assert.equal((await call(`${h.url}/v1/webhooks`, "GET", { cookie: liveSession.cookie })).status, 200);
  });

  test("a session expires after 12 hours", async () => {
    const fresh = await createSession(h.server.store, acct.id, "test", Date.now() - 11 * 3600_000);
    assert.equal((await call(`${h.url}/v1/webhooks`, "GET", { cookie: fresh.cookie })).status, 200);
    const stale = await createSession(h.server.store, acct.id, "test", Date.now() - 12 * 3600_000 - 1000);
    assert.equal((await call(`${h.url}/v1/webhooks`, "GET", { cookie: stale.cookie })).status, 401);
    assert.equal((await call(`${h.url}/v1/dashboard/session`, "GET", { cookie: stale.cookie })).status, 401);
  });

  test("the cookie authenticates account routes in the session's mode; state changes need x-csrf-token", async () => {
    const { cookie, csrf } = await signIn("test");
    assert.equal((await call(`${h.url}/v1/webhooks`, "GET", { cookie })).status, 200);
    const body = { url: "https://example.com/hook-csrf", enabled_events: ["payment.succeeded"] };
    const missing = await call(`${h.url}/v1/webhooks`, "POST", { cookie, body });
    assert.equal(missing.status, 403);
    assert.equal(missing.body.error.code, "csrf_token_invalid");
    assert.equal((await call(`${h.url}/v1/webhooks`, "POST", { cookie, body, csrf: "wrong" })).status, 403);
    const created = await call(`${h.url}/v1/webhooks`, "POST", { cookie, body, csrf });
    assert.equal(created.status, 201);
    assert.equal(created.body.livemode, false);
    // Operator routes stay closed to a session.
    assert.equal((await call(`${h.url}/v1/accounts`, "GET", { cookie })).status, 401);
  });

  test("mode switch changes what the session sees", async () => {
    const { cookie, csrf } = await signIn("test");
    await h.api("POST", "/v1/webhooks", { url: "https://example.com/live-only", enabled_events: ["*"] }, acct.liveKey);
    const testList = await call(`${h.url}/v1/webhooks?limit=100`, "GET", { cookie });
    assert.ok(!testList.body.data.some((e: any) => e.url === "https://example.com/live-only"));
    assert.equal((await call(`${h.url}/v1/dashboard/session`, "POST", { cookie, body: { mode: "live" } })).status, 403);
    const switched = await call(`${h.url}/v1/dashboard/session`, "POST", { cookie, csrf, body: { mode: "live" } });
    assert.equal(switched.status, 200);
    assert.equal(switched.body.mode, "live");
    const liveList = await call(`${h.url}/v1/webhooks?limit=100`, "GET", { cookie });
    assert.ok(liveList.body.data.some((e: any) => e.url === "https://example.com/live-only"));
  });

  test("sign-out ends the session", async () => {
    const { cookie, csrf } = await signIn();
    assert.equal((await call(`${h.url}/v1/dashboard/session`, "DELETE", { cookie })).status, 403);
    const out = await call(`${h.url}/v1/dashboard/session`, "DELETE", { cookie, csrf });
    assert.equal(out.status, 204);
    assert.match(String(out.headers["set-cookie"]), /Max-Age=0/);
    assert.equal((await call(`${h.url}/v1/dashboard/session`, "GET", { cookie })).status, 401);
    assert.equal((await call(`${h.url}/v1/webhooks`, "GET", { cookie })).status, 401);
  });

  test("a pasted secret key opens a session for its account and mode; a bad one is refused", async () => {
    const res = await call(`${h.url}/v1/dashboard/session`, "POST", { body: { secret_key: acct.liveKey } });
    assert.equal(res.status, 200);
    assert.equal(res.body.mode, "live");
    assert.equal(res.body.account.id, acct.id);
    assert.match(String(res.headers["set-cookie"]), /HttpOnly/);
    const bad = await call(`${h.url}/v1/dashboard/session`, "POST", { body: { secret_key: "sk_test_nope" } });
    assert.equal(bad.status, 401);
  });

  test("a session of one account cannot read another's objects (404)", async () => {
    const other = await h.account("Other");
    const ep = await h.api(
      "POST",
      "/v1/webhooks",
      { url: "https://example.com/other", enabled_events: ["*"] },
      other.testKey,
    );
    const { cookie, csrf } = await signIn("test");
    assert.equal((await call(`${h.url}/v1/webhooks/${ep.body.id}`, "GET", { cookie })).status, 404);
    assert.equal((await call(`${h.url}/v1/webhooks/${ep.body.id}/deliveries`, "GET", { cookie })).status, 404);
    assert.equal((await call(`${h.url}/v1/webhooks/${ep.body.id}`, "DELETE", { cookie, csrf })).status, 404);
    const list = await call(`${h.url}/v1/webhooks?limit=100`, "GET", { cookie });
    assert.ok(!list.body.data.some((e: any) => e.id === ep.body.id));
  });

  test("the SPA is served at /dashboard/ with a strict CSP and an index.html fallback", async () => {
    const index = await call(`${h.url}/dashboard/`, "GET");
    assert.equal(index.status, 200);
    assert.match(String(index.headers["content-security-policy"]), /script-src 'self'/);
    assert.match(index.body, /<div id="root">/);
    const deep = await call(`${h.url}/dashboard/endpoints/we_123`, "GET");
    assert.equal(deep.status, 200);
    assert.match(deep.body, /<div id="root">/);
    assert.equal((await call(`${h.url}/dashboard/assets/missing.js`, "GET")).status, 404);
    assert.equal((await call(`${h.url}/dashboard/..%2f..%2fpackage.json`, "GET")).status !== 200, true);
  });
});
