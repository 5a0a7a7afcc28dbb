/**
 * Receiver chaos: one real `herald serve` delivers one event to endpoints
 * that each misbehave in one way. Every delivery must end in the right state
 * after the right number of attempts, on the retry schedule, with each
 * attempt's error class logged, at most 4 KiB of any answer kept, and the
 * server's memory bounded by what it keeps, not by what receivers send.
 *
 * Schedule `1s,1s` (3 attempts, ±20 % jitter), timeout 2.5 s.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { type ChildHerald, spawnHerald } from "../helpers/child-server.js";
import { account, call } from "../helpers/http-api.js";
import { eventually } from "../helpers/live-server.js";
import {
  hugeBody,
  type RawBehaviour,
  type RawReceiver,
  respond,
  startRawReceiver,
  trickle,
  writeAndClose,
} from "./raw-receiver.js";

const ADMIN = `hat_chaos_${randomBytes(8).toString("hex")}`;
// Generous next to the receivers' own timings, so a busy machine (the crash
// loop may run next to this test) does not turn an answer into a timeout.
const TIMEOUT_MS = 2500;
const HUGE = 256 * 1024 * 1024;

interface Expect {
  final: "failed" | "succeeded";
  attempts: number;
  error: string | null;
  status: number | null;
  /** Least time between two arrivals: the schedule (1 s − 20 % jitter) or a Retry-After. */
  minGapMs?: number;
  /** Most time between two arrivals (a Retry-After far in the future is held to twice the delay). */
  maxGapMs?: number;
  endpointStatus?: "enabled" | "disabled";
}

const never: RawBehaviour = () => undefined;
const reset: RawBehaviour = (socket) => {
  socket.resetAndDestroy();
};

const cases: Record<string, { behaviour: () => RawBehaviour; expect: Expect }> = {
  "5xx with a 10 KB body": {
    behaviour: () => respond(500, {}, "e".repeat(10_000)),
    expect: { final: "failed", attempts: 3, error: "http_error", status: 500, minGapMs: 750 },
  },
  "hang past the timeout": {
    behaviour: () => never,
    expect: { final: "failed", attempts: 3, error: "timeout", status: null, minGapMs: 750 },
  },
  "connection reset": {
    behaviour: () => reset,
    expect: { final: "failed", attempts: 3, error: "connection_reset", status: null },
  },
  "half a body, then close": {
    behaviour: () => writeAndClose("HTTP/1.1 200 OK\r\ncontent-length: 1000\r\n\r\nhalf a bo"),
    // A 2xx that never finished is not an answer within the timeout; the status stays in the log.
    expect: { final: "failed", attempts: 3, error: "connection_reset", status: 200 },
  },
  "truncated status line": {
    behaviour: () => writeAndClose("HTTP/1.1 20"),
    expect: { final: "failed", attempts: 3, error: "connection_reset", status: null },
  },
  "302 redirect (not followed)": {
    behaviour: () => respond(302, { location: "/elsewhere" }),
    expect: { final: "failed", attempts: 3, error: "redirect", status: 302 },
  },
  "410 Gone": {
    behaviour: () => respond(410, {}, "gone"),
    expect: { final: "failed", attempts: 1, error: "http_error", status: 410, endpointStatus: "disabled" },
  },
  "429 without Retry-After": {
    behaviour: () => respond(429),
    expect: { final: "failed", attempts: 3, error: "http_error", status: 429, minGapMs: 750 },
  },
  "429 with Retry-After: 3600": {
    behaviour: () => respond(429, { "retry-after": "3600" }),
    // Held between the scheduled delay (1 s) and twice it: 2 s, not an hour.
    expect: { final: "failed", attempts: 3, error: "http_error", status: 429, minGapMs: 1950, maxGapMs: 30_000 },
  },
  "body trickled slower than the timeout": {
    behaviour: () => trickle(100, 500),
    expect: { final: "failed", attempts: 3, error: "timeout", status: 200 },
  },
  "huge body (256 MB)": {
    behaviour: () => hugeBody(HUGE),
    expect: { final: "succeeded", attempts: 1, error: null, status: 200, endpointStatus: "enabled" },
  },
};

/** Resident memory of a process, from /proc (Linux). */
function rssBytes(pid: number): number {
  const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
  return Number(kb) * 1024;
}

interface AttemptView {
  error: string | null;
  response_status: number | null;
  response_body: string | null;
}

describe("receiver chaos", () => {
  let h: ChildHerald;
  const receivers = new Map<string, RawReceiver>();
  const endpoints = new Map<string, string>();
  const outcomes = new Map<string, { delivery: any; attempts: AttemptView[]; endpoint: any }>();
  const rss = { before: 0, after: 0 };

  before(async () => {
    for (const [name, c] of Object.entries(cases)) receivers.set(name, await startRawReceiver(c.behaviour()));
    h = await spawnHerald([
      "--data-dir",
      mkdtempSync(join(tmpdir(), "herald-chaos-")),
      "--admin-token",
      ADMIN,
      "--retry-schedule",
      "1s,1s",
      "--delivery-timeout",
      String(TIMEOUT_MS),
      "--allow-private-targets",
    ]);
    const { testKey } = await account(h.url, ADMIN);
    for (const [name, r] of receivers) {
      const ep = await call(h.url, testKey, "POST", "/v1/webhooks", { url: `${r.url}/hook`, enabled_events: ["*"] });
      assert.equal(ep.status, 201, JSON.stringify(ep.body));
      endpoints.set(name, ep.body.id);
    }
    rss.before = rssBytes(h.child.pid as number);
    const ev = await call(h.url, testKey, "POST", "/v1/events", {
      type: "payment.succeeded",
      data: { object: { id: "pay_1" } },
    });
    assert.equal(ev.status, 202);
    for (const [name, id] of endpoints) {
      const delivery = await eventually(
        async () => {
          const d = (await call(h.url, testKey, "GET", `/v1/webhooks/${id}/deliveries`)).body.data[0];
          return d !== undefined && d.status !== "pending" ? d : null;
        },
        60_000,
        `the delivery to "${name}" to end`,
      );
      const full = await call(h.url, testKey, "GET", `/v1/deliveries/${delivery.id}`);
      const endpoint = await call(h.url, testKey, "GET", `/v1/webhooks/${id}`);
      outcomes.set(name, { delivery: full.body, attempts: full.body.attempts, endpoint: endpoint.body });
    }
    rss.after = rssBytes(h.child.pid as number);
  });
  after(async () => {
    h.child.kill("SIGTERM");
    await h.exited;
    for (const r of receivers.values()) await r.close();
  });

  for (const [name, { expect }] of Object.entries(cases)) {
    test(`${name}: ${expect.final} after ${expect.attempts} attempt(s), error ${expect.error}`, () => {
      const o = outcomes.get(name);
      const r = receivers.get(name) as RawReceiver;
      assert.ok(o !== undefined);
      assert.equal(o.delivery.status, expect.final);
      assert.equal(o.delivery.attempt_count, expect.attempts);
      assert.equal(o.attempts.length, expect.attempts);
      assert.equal(r.arrivals.length, expect.attempts, "the receiver saw every attempt and no more");
      for (const a of o.attempts) {
        assert.equal(a.error, expect.error);
        assert.equal(a.response_status, expect.status);
        assert.ok((a.response_body ?? "").length <= 4096, `response_body is ${a.response_body?.length} long`);
      }
      const gaps = r.arrivals.slice(1).map((a, i) => a.at - (r.arrivals[i] as { at: number }).at);
      for (const gap of gaps) {
        if (expect.minGapMs !== undefined) assert.ok(gap >= expect.minGapMs, `retried after ${gap} ms`);
        if (expect.maxGapMs !== undefined) assert.ok(gap <= expect.maxGapMs, `retried after ${gap} ms`);
      }
      if (expect.endpointStatus !== undefined) assert.equal(o.endpoint.status, expect.endpointStatus);
    });
  }

  test("the 5xx body is kept up to 4 KiB, exactly its first bytes", () => {
    const body = outcomes.get("5xx with a 10 KB body")?.attempts[0]?.response_body;
    assert.equal(body, "e".repeat(4096));
  });

  test("the huge body was cut off: the receiver could not write most of it, the server's memory stayed bounded", (t) => {
    const r = receivers.get("huge body (256 MB)") as RawReceiver;
    assert.ok(r.written < HUGE / 4, `the receiver wrote ${r.written} bytes before Herald hung up`);
    const grew = rss.after - rss.before;
    t.diagnostic(`herald RSS ${Math.round(rss.before / 1e6)} MB → ${Math.round(rss.after / 1e6)} MB`);
    assert.ok(grew < 150 * 1024 * 1024, `RSS grew by ${Math.round(grew / 1e6)} MB`);
  });
});
