/**
 * The isolation matrix: every account route × every credential that must
 * not reach the victim's objects (another account's key, the other mode's
 * key, no key, a malformed key, a revoked key, an expired rolled key, and
 * another account's dashboard session) answers 404 or 401 and never shows
 * the victim's data. The account routes are read from the app itself (its
 * OpenAPI document and route table), so a new account route without an
 * entry here fails this test.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { SESSION_COOKIE } from "../../src/api/session.js";
import { type ApiHarness, type ApiResponse, endpointBody, type Json, settleDue, startApi } from "../helpers/harness.js";
import { backends } from "../store/backends.js";

/** What the victim owns; every value is data that must never reach an attacker. */
interface Victim {
  accountId: string;
  testKey: string;
  endpoint: Json;
  event: Json;
  deliveryId: string;
  attemptId: string;
  auditId: string;
}

interface Entry {
  /** The concrete URL, with the victim's ids in it. */
  path: (v: Victim) => string;
  body?: (v: Victim) => unknown;
  /**
   * `object`: the request names one of the victim's objects, so a credential
   * that cannot see it gets 404 (or 401). `collection`: the request names
   * none (a list, a create, the session): a valid credential gets its own
   * answer, which must hold none of the victim's data.
   */
  kind: "object" | "collection";
  /** Read-only routes: the victim's own key gets 2xx with the data (proves the request reaches it). */
  control?: boolean;
  /** Refusals other than 404/401 that do not depend on the object (so tell nothing about it), by credential. */
  refusals?: Record<string, number>;
}

/** Routes the OpenAPI document does not list (`hide: true`); each must admit no credential-bound data. */
const HIDDEN_ROUTES = new Set([
  "GET /docs/assets/:file",
  "GET /openapi.json",
  "GET /docs",
  "GET /docs/init.js",
  "GET /dashboard",
  "GET /dashboard/",
  "GET /dashboard/*",
]);

const MATRIX: Record<string, Entry> = {
  "GET /v1/webhooks": { kind: "collection", path: () => "/v1/webhooks?limit=100" },
  "POST /v1/webhooks": { kind: "collection", path: () => "/v1/webhooks", body: () => endpointBody() },
  "GET /v1/webhooks/:id": { kind: "object", control: true, path: (v) => `/v1/webhooks/${v.endpoint.id}` },
  "PATCH /v1/webhooks/:id": {
    kind: "object",
    path: (v) => `/v1/webhooks/${v.endpoint.id}`,
    body: () => ({ description: "pwned", url: "https://attacker.example/x" }),
  },
  "DELETE /v1/webhooks/:id": { kind: "object", path: (v) => `/v1/webhooks/${v.endpoint.id}` },
  "POST /v1/webhooks/:id/rotate_secret": {
    kind: "object",
    path: (v) => `/v1/webhooks/${v.endpoint.id}/rotate_secret`,
    body: () => ({}),
  },
  "POST /v1/webhooks/:id/test": {
    kind: "object",
    path: (v) => `/v1/webhooks/${v.endpoint.id}/test`,
    body: () => ({}),
  },
  "POST /v1/webhooks/:id/recover": {
    kind: "object",
    path: (v) => `/v1/webhooks/${v.endpoint.id}/recover`,
    body: () => ({ since: Math.floor(Date.now() / 1000) - 3600 }),
  },
  "GET /v1/webhooks/:id/deliveries": {
    kind: "object",
    control: true,
    path: (v) => `/v1/webhooks/${v.endpoint.id}/deliveries`,
  },
  "GET /v1/webhooks/:id/stats": { kind: "object", control: true, path: (v) => `/v1/webhooks/${v.endpoint.id}/stats` },
  "GET /v1/deliveries": { kind: "collection", path: () => "/v1/deliveries?limit=100" },
  // The attempts of a delivery are read through the delivery.
  "GET /v1/deliveries/:id": { kind: "object", control: true, path: (v) => `/v1/deliveries/${v.deliveryId}` },
  "POST /v1/deliveries/:id/resend": { kind: "object", path: (v) => `/v1/deliveries/${v.deliveryId}/resend` },
  "GET /v1/events": { kind: "collection", path: () => "/v1/events?limit=100" },
  "POST /v1/events": {
    kind: "collection",
    path: () => "/v1/events",
    body: () => ({ type: "payment.succeeded", data: { object: { id: "pay_attacker" } } }),
  },
  "GET /v1/events/:id": { kind: "object", control: true, path: (v) => `/v1/events/${v.event.id}` },
  // Resuming after the victim's event names it: another scope must not learn it exists.
  "GET /v1/events/stream": {
    kind: "object",
    path: (v) => `/v1/events/stream?after=${v.event.id}`,
    // Every live key gets 403 test_mode_only before any cursor is looked at.
    refusals: { "the other mode's key": 403 },
  },
  "GET /v1/event_types": { kind: "collection", path: () => "/v1/event_types" },
  "GET /v1/audit_log": { kind: "collection", control: true, path: () => "/v1/audit_log?limit=100" },
  "GET /v1/dashboard/session": { kind: "collection", path: () => "/v1/dashboard/session" },
};

/**
 * `METHOD /full/path` of every route in Fastify's route tree (printRoutes
 * prints each node's own segment, indented four columns per level), HEAD left out.
 */
function routeTable(tree: string): string[] {
  const prefixes: string[] = [];
  const routes: string[] = [];
  for (const line of tree.split("\n")) {
    const m = /^([│ ]*)[├└]── (\S+)(?: \(([A-Z, ]+)\))?/.exec(line);
    if (m === null) continue;
    const depth = (m[1] as string).length / 4;
    const path = (prefixes[depth - 1] ?? "") + (m[2] as string);
    prefixes[depth] = path;
    prefixes.length = depth + 1;
    for (const method of m[3]?.split(", ") ?? []) if (method !== "HEAD") routes.push(`${method} ${path}`);
  }
  return routes;
}

interface Credential {
  name: string;
  headers: Record<string, string>;
  /** Whether the credential is valid for some account and mode (else: always 401). */
  valid: boolean;
  /** The victim's own account in the other mode: its account id is no secret to it, its test objects are. */
  sameAccount?: boolean;
}

/** The victim's data as it appears in answers: ids, URL, description, secret. */
function markers(v: Victim): string[] {
  return [
    v.endpoint.id,
    v.endpoint.url,
    v.endpoint.description,
    v.endpoint.secret,
    v.event.id,
    v.deliveryId,
    v.attemptId,
    v.auditId,
    v.accountId,
  ];
}

for (const backend of backends) {
  describe(`isolation matrix (${backend.name})`, { skip: backend.skip ?? false }, () => {
    let h: ApiHarness;
    let victim: Victim;
    const credentials: Credential[] = [];

    const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
    async function keyOf(accountId: string, mode: "test" | "live") {
      const res = await h.api("POST", `/v1/accounts/${accountId}/api_keys`, { mode });
      assert.equal(res.status, 201);
      return res.body as { id: string; secret: string };
    }
    async function sessionOf(accountId: string): Promise<Record<string, string>> {
      const link = await h.api("POST", `/v1/accounts/${accountId}/dashboard_links`, { mode: "test" });
      assert.equal(link.status, 200, link.text);
      const url = new URL(link.body.url);
      const res = await h.app.inject({ method: "GET", url: `${url.pathname}${url.search}` });
      assert.equal(res.statusCode, 302);
      const setCookie = String(res.headers["set-cookie"]);
      const cookie = new RegExp(`${SESSION_COOKIE}=([^;]+)`).exec(setCookie)?.[1];
      assert.ok(cookie, setCookie);
      const session = await h.app.inject({
        method: "GET",
        url: "/v1/dashboard/session",
        headers: { cookie: `${SESSION_COOKIE}=${cookie}` },
      });
      assert.equal(session.statusCode, 200);
      // With the CSRF token, so that writes are refused for the account, not for a missing header.
      return { cookie: `${SESSION_COOKIE}=${cookie}`, "x-csrf-token": JSON.parse(session.body).csrf_token };
    }

    before(async () => {
      h = await startApi({}, backend);
      const v = await h.account({ name: "Victim" });
      const ep = await h.api(
        "POST",
        "/v1/webhooks",
        endpointBody({ description: `victim-${randomBytes(6).toString("hex")}` }),
        v.testKey,
      );
      assert.equal(ep.status, 201);
      const ev = await h.api(
        "POST",
        "/v1/events",
        { type: "payment.succeeded", data: { object: { id: "pay_victim" } } },
        v.testKey,
      );
      assert.equal(ev.status, 202);
      await settleDue(h.store, "retry");
      const deliveries = await h.api("GET", `/v1/webhooks/${ep.body.id}/deliveries`, undefined, v.testKey);
      const deliveryId = deliveries.body.data[0].id as string;
      const delivery = await h.api("GET", `/v1/deliveries/${deliveryId}`, undefined, v.testKey);
      const attemptId = delivery.body.attempts?.[0]?.id as string;
      assert.ok(attemptId, delivery.text);
      const audit = await h.api("GET", "/v1/audit_log", undefined, v.testKey);
      victim = {
        accountId: v.id,
        testKey: v.testKey,
        endpoint: ep.body,
        event: ev.body,
        deliveryId,
        attemptId,
        auditId: audit.body.data[0].id,
      };

      const other = await h.account({ name: "Attacker" });
      const revoked = await keyOf(v.id, "test");
      assert.equal((await h.api("DELETE", `/v1/accounts/${v.id}/api_keys/${revoked.id}`)).status, 200);
      const rolled = await keyOf(v.id, "test");
      assert.equal((await h.api("POST", `/v1/accounts/${v.id}/api_keys/${rolled.id}/roll`, {})).status, 200);
      credentials.push(
        { name: "another account's key", headers: bearer(other.testKey), valid: true },
        { name: "the other mode's key", headers: bearer(v.liveKey), valid: true, sameAccount: true },
        { name: "no key", headers: {}, valid: false },
        { name: "a malformed key", headers: bearer(`sk_test_${randomBytes(8).toString("hex")}`), valid: false },
        { name: "a malformed Authorization header", headers: { authorization: "Bearer" }, valid: false },
        { name: "a revoked key", headers: bearer(revoked.secret), valid: false },
        { name: "an expired rolled key", headers: bearer(rolled.secret), valid: false },
        { name: "another account's dashboard session", headers: await sessionOf(other.id), valid: true },
      );
    });
    after(() => h.close());

    async function call(method: string, entry: Entry, headers: Record<string, string>): Promise<ApiResponse> {
      const body = entry.body?.(victim);
      const res = await h.app.inject({
        method: method as "GET",
        url: entry.path(victim),
        headers: { ...headers, ...(body === undefined ? {} : { "content-type": "application/json" }) },
        ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
      });
      let parsed: Json;
      try {
        parsed = JSON.parse(res.body);
      } catch {
        parsed = undefined;
      }
      return { status: res.statusCode, headers: res.headers, body: parsed, text: res.body };
    }

    /** Every route whose `auth` admits an account, from the app's own OpenAPI document. */
    function accountRoutes(): string[] {
      const doc = h.app.swagger() as Json;
      const routes: string[] = [];
      for (const [path, ops] of Object.entries(doc.paths as Record<string, Record<string, Json>>)) {
        for (const [method, op] of Object.entries(ops)) {
          const admitsAccount = (op.security ?? []).some((s: Json) => "secretKey" in s);
          if (admitsAccount) routes.push(`${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ":$1")}`);
        }
      }
      return routes.sort();
    }

    test("every account route has a matrix entry, and every route is in the OpenAPI document or known hidden", () => {
      const routes = accountRoutes();
      assert.ok(routes.length >= 15, routes.join(", "));
      const missing = routes.filter((r) => !(r in MATRIX));
      assert.deepEqual(missing, [], "account routes without an isolation matrix entry");
      const stale = Object.keys(MATRIX).filter((r) => !routes.includes(r));
      assert.deepEqual(stale, [], "matrix entries for routes that do not exist (or admit no account)");
      // A hidden route would escape the OpenAPI document: the route table lists them all.
      const documented = new Set(
        Object.entries((h.app.swagger() as Json).paths as Record<string, Record<string, Json>>).flatMap(([path, ops]) =>
          Object.keys(ops).map((m) => `${m.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ":$1")}`),
        ),
      );
      const undocumented = routeTable(h.app.printRoutes({ commonPrefix: false })).filter(
        (route) => !documented.has(route) && !HIDDEN_ROUTES.has(route),
      );
      assert.deepEqual(undocumented, [], "routes neither documented nor known to be hidden");
    });

    test("the victim's own key reaches each read-only object (the matrix requests are real)", async () => {
      for (const [route, entry] of Object.entries(MATRIX)) {
        if (entry.control !== true) continue;
        const res = await call(route.split(" ")[0] as string, entry, bearer(victim.testKey));
        assert.equal(res.status, 200, `${route}: ${res.text}`);
        assert.ok(
          markers(victim).some((m) => res.text.includes(m)),
          `${route}: the victim's own answer shows its data`,
        );
      }
    });

    test("no other credential gets the victim's objects: 404 or 401, and never its data", async () => {
      const before = await h.api("GET", `/v1/webhooks/${victim.endpoint.id}`, undefined, victim.testKey);
      const auditBefore = await h.api("GET", "/v1/audit_log?limit=100", undefined, victim.testKey);
      let checked = 0;
      for (const [route, entry] of Object.entries(MATRIX)) {
        const method = route.split(" ")[0] as string;
        for (const cred of credentials) {
          const res = await call(method, entry, cred.headers);
          const where = `${route} with ${cred.name}: ${res.status} ${res.text.slice(0, 300)}`;
          if (!cred.valid) {
            assert.equal(res.status, 401, where);
            assert.equal(res.body?.error?.type, "authentication_error", where);
          } else if (entry.kind === "object") {
            const allowed = [
              404,
              401,
              ...(entry.refusals?.[cred.name] === undefined ? [] : [entry.refusals[cred.name]]),
            ];
            assert.ok(allowed.includes(res.status), where);
            assert.ok(res.body?.error !== undefined, where);
          } else {
            assert.ok(res.status < 500, where);
          }
          // An id the request itself names may come back in the 404's message; nothing else may.
          const sent = `${entry.path(victim)} ${JSON.stringify(entry.body?.(victim) ?? "")}`;
          const hidden = markers(victim).filter(
            (x) => !sent.includes(x) && !(cred.sameAccount && x === victim.accountId),
          );
          for (const m of hidden) {
            assert.ok(!res.text.includes(m), `${where}: leaks ${m}`);
          }
          checked++;
        }
      }
      assert.equal(checked, Object.keys(MATRIX).length * credentials.length);
      // And nothing the attackers sent changed the victim's endpoint or its log.
      const afterwards = await h.api("GET", `/v1/webhooks/${victim.endpoint.id}`, undefined, victim.testKey);
      assert.equal(afterwards.status, 200);
      assert.deepEqual(afterwards.body, before.body);
      const auditAfter = await h.api("GET", "/v1/audit_log?limit=100", undefined, victim.testKey);
      assert.deepEqual(auditAfter.body, auditBefore.body);
    });

    test("a secret key cannot read another account's audit log through ?account=", async () => {
      for (const cred of credentials.filter((c) => c.valid)) {
        const res = await call(
          "GET",
          { kind: "collection", path: (v) => `/v1/audit_log?account=${v.accountId}` },
          cred.headers,
        );
        // The victim's own live key names its own account: it gets its live entries, never the test ones.
        assert.equal(res.status, cred.name === "the other mode's key" ? 200 : 400, cred.name);
        assert.ok(!res.text.includes(victim.auditId), cred.name);
      }
    });
  });
}
