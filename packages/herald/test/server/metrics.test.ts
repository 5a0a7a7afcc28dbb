/**
 * `GET /metrics` on a real server, on both stores: the exposition parses,
 * delivery counters move after real deliveries to loopback receivers
 * (success, retries, failure, 410), the ingest counter by mode, the queue
 * depth and oldest due age of a real backlog, and a `--workers-only`
 * process serves the same.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { request } from "undici";
import type { ServeFlags } from "../../src/config/config.js";
import { createEndpoint, emit, settled } from "../delivery/flows.js";
import { eventually, type LiveHerald, startHerald } from "../helpers/live-server.js";
import { ok, type Receiver, startReceiver, status } from "../helpers/receiver.js";
import { createDatabase, TEST_DATABASE_URL, type TestDatabase } from "../store/postgres-databases.js";

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/**
 * Parses the Prometheus text format strictly enough to fail on a malformed
 * line: every sample is `name{label="value",…} number` and belongs to a
 * family announced by `# TYPE`.
 */
function parseExposition(text: string): Sample[] {
  const types = new Map<string, string>();
  const samples: Sample[] = [];
  for (const line of text.split("\n")) {
    if (line === "") continue;
    const type = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$/.exec(line);
    if (type?.[1] !== undefined && type[2] !== undefined) {
      types.set(type[1], type[2]);
      continue;
    }
    if (/^# HELP [a-zA-Z_:][a-zA-Z0-9_:]* .*$/.test(line)) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    assert.ok(m?.[1] !== undefined && m[3] !== undefined, `not a Prometheus sample line: ${line}`);
    // Go's ParseFloat, which Prometheus uses, takes NaN and Inf in any case.
    assert.match(m[3], /^[+-]?(\d+(\.\d*)?([eE][+-]?\d+)?|\.\d+|nan|inf)$/i, `not a sample value: ${line}`);
    const labels: Record<string, string> = {};
    for (const pair of (m[2] ?? "").match(/[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*"/g) ?? []) {
      const eq = pair.indexOf("=");
      labels[pair.slice(0, eq)] = pair.slice(eq + 2, -1);
    }
    const family = m[1].replace(/_(bucket|sum|count)$/, "");
    assert.ok(types.has(m[1]) || types.has(family), `sample without a # TYPE: ${line}`);
    samples.push({ name: m[1], labels, value: Number(m[3]) });
  }
  return samples;
}

async function scrape(url: string): Promise<Sample[]> {
  const res = await request(`${url}/metrics`);
  assert.equal(res.statusCode, 200);
  assert.match(String(res.headers["content-type"]), /^text\/plain; version=0\.0\.4/);
  return parseExposition(await res.body.text());
}

/** The value of one series; 0 when absent. */
function value(samples: Sample[], name: string, labels: Record<string, string> = {}): number {
  const s = samples.filter((x) => x.name === name && Object.entries(labels).every(([k, v]) => x.labels[k] === v));
  return s.reduce((sum, x) => sum + x.value, 0);
}

for (const backend of ["sqlite", "postgres"] as const) {
  const skip = backend === "postgres" && TEST_DATABASE_URL === undefined ? "HERALD_TEST_DATABASE_URL not set" : false;

  describe(`GET /metrics (${backend})`, { skip }, () => {
    const databases: TestDatabase[] = [];
    const servers: LiveHerald[] = [];
    const receivers: Receiver[] = [];
    const start = async (flags: ServeFlags): Promise<LiveHerald> => {
      let databaseUrl: string | undefined;
      if (backend === "postgres") {
        const db = await createDatabase(TEST_DATABASE_URL as string);
        databases.push(db);
        databaseUrl = db.url;
      }
      const h = await startHerald({ ...flags, ...(databaseUrl === undefined ? {} : { databaseUrl }) });
      servers.push(h);
      return h;
    };
    after(async () => {
      for (const h of servers) await h.stop();
      for (const r of receivers) await r.close();
      for (const db of databases) await db.drop();
    });

    test("counts real deliveries by outcome and error class, attempts, ingests and 410-disabled endpoints", async () => {
      const h = await start({ retrySchedule: "100ms", deliveryTimeout: "2000" });
      const key = (await h.account()).testKey;
      const before = await scrape(h.url);
      assert.equal(value(before, "herald_events_ingested_total", { mode: "test" }), 0);
      assert.equal(value(before, "herald_endpoints_disabled_total", { reason: "gone" }), 0);

      const good = await startReceiver(() => ok());
      const failing = await startReceiver(() => status(500));
      const gone = await startReceiver(() => status(410));
      const closed = await startReceiver();
      receivers.push(good, failing, gone);
      const closedUrl = closed.url;
      await closed.close();
      const epGood = await createEndpoint(h, key, good.url);
      const epFailing = await createEndpoint(h, key, failing.url);
      const epGone = await createEndpoint(h, key, gone.url);
      const epRefused = await createEndpoint(h, key, closedUrl);
      await emit(h, key);

      await settled(h, key, epGood.id, "succeeded");
      await settled(h, key, epFailing.id, "failed");
      await settled(h, key, epGone.id, "failed");
      await settled(h, key, epRefused.id, "failed");
      // The recorder commits in batches: wait until every outcome has been counted.
      const m = await eventually(async () => {
        const s = await scrape(h.url);
        return value(s, "herald_deliveries_total") >= 6 ? s : null;
      });

      assert.equal(value(m, "herald_events_ingested_total", { mode: "test" }), 1);
      assert.equal(value(m, "herald_events_ingested_total", { mode: "live" }), 0);
      assert.equal(value(m, "herald_deliveries_total", { outcome: "succeeded", error_class: "none" }), 1);
      // 500: one retry then the last attempt fails; refused: the same with its own class.
      assert.equal(value(m, "herald_deliveries_total", { outcome: "retry", error_class: "http_error" }), 1);
      assert.equal(value(m, "herald_deliveries_total", { outcome: "failed", error_class: "http_error" }), 2);
      assert.equal(value(m, "herald_deliveries_total", { outcome: "retry", error_class: "connection_refused" }), 1);
      assert.equal(value(m, "herald_deliveries_total", { outcome: "failed", error_class: "connection_refused" }), 1);
      assert.equal(value(m, "herald_deliveries_total"), 6);
      assert.equal(value(m, "herald_endpoints_disabled_total", { reason: "gone" }), 1);
      assert.equal(value(m, "herald_endpoints_disabled_total", { reason: "failing" }), 0);

      // Every counted attempt is in the latency histogram, in its outcome's series.
      assert.equal(value(m, "herald_attempt_duration_seconds_count"), 6);
      assert.equal(value(m, "herald_attempt_duration_seconds_count", { outcome: "failed" }), 3);
      const inf = value(m, "herald_attempt_duration_seconds_bucket", { outcome: "succeeded", le: "+Inf" });
      assert.equal(inf, 1);
      assert.ok(value(m, "herald_attempt_duration_seconds_sum") > 0);

      // Nothing is left due; process metrics come with it.
      assert.equal(value(m, "herald_queue_depth"), 0);
      assert.equal(value(m, "herald_oldest_due_age_seconds"), 0);
      assert.ok(m.some((s) => s.name === "herald_process_resident_memory_bytes" && s.value > 0));
      assert.ok(m.some((s) => s.name === "herald_nodejs_eventloop_lag_seconds"));

      // Labels carry no ids: nothing per account, endpoint or event.
      const text = await (await request(`${h.url}/metrics`)).body.text();
      for (const id of [epGood.id, epFailing.id, epGone.id, epRefused.id]) assert.ok(!text.includes(id));
    });

    test("queue depth and oldest due age show a backlog no worker is taking", async () => {
      // API only: events are stored with their deliveries, and nothing sends them.
      const h = await start({ workers: false });
      const key = (await h.account()).testKey;
      const r = await startReceiver(() => ok());
      receivers.push(r);
      await createEndpoint(h, key, r.url);
      await createEndpoint(h, key, `${r.url}/second`);
      for (let i = 0; i < 3; i++) await emit(h, key);

      const m = await eventually(async () => {
        const s = await scrape(h.url);
        return value(s, "herald_oldest_due_age_seconds") > 0.2 ? s : null;
      });
      assert.equal(value(m, "herald_queue_depth"), 6);
      assert.equal(value(m, "herald_events_ingested_total", { mode: "test" }), 3);
      assert.equal(value(m, "herald_deliveries_total"), 0);
      assert.equal(r.received.length, 0);
    });

    // PostgreSQL only: the embedded store cannot go away under a running server.
    if (backend === "postgres")
      test("when the database goes away, a scrape still answers: queue gauges read NaN, counters stay", async () => {
        const h = await start({});
        await (databases[databases.length - 1] as TestDatabase).drop();
        const health = await request(`${h.url}/healthz`);
        assert.equal(health.statusCode, 503);
        await health.body.dump();
        const m = await scrape(h.url);
        assert.ok(Number.isNaN(value(m, "herald_queue_depth")));
        assert.ok(Number.isNaN(value(m, "herald_oldest_due_age_seconds")));
        assert.ok(m.some((s) => s.name === "herald_events_ingested_total"));
      });

    test("a --workers-only process serves /metrics next to /healthz, without credentials", async () => {
      const h = await start({ workersOnly: true });
      const m = await scrape(h.url);
      assert.ok(m.some((s) => s.name === "herald_queue_depth"));
      const health = await request(`${h.url}/healthz`);
      assert.equal(health.statusCode, 200);
      await health.body.dump();
      const api = await request(`${h.url}/v1/accounts`);
      assert.equal(api.statusCode, 404);
      await api.body.dump();
    });
  });
}

describe("GET /metrics is not in the OpenAPI document and needs no token", () => {
  let h: LiveHerald;
  before(async () => {
    h = await startHerald();
  });
  after(() => h.stop());

  test("answers without Authorization and stays out of /openapi.json", async () => {
    await scrape(h.url);
    const doc = await h.api("GET", "/openapi.json");
    assert.equal(doc.status, 200);
    assert.equal(doc.body.paths["/metrics"], undefined);
  });
});
