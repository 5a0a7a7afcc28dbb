/**
 * GET /v1/events/stream over a real socket (Server-Sent Events are a
 * streaming answer, which in-process injection cannot show).
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { request } from "undici";
import { type SseMessage, SseParser } from "../../src/cli/listen/sse-parser.js";
import { eventually, type LiveHerald, startHerald } from "../helpers/live-server.js";
import { createDatabase, TEST_DATABASE_URL, type TestDatabase } from "../store/postgres-databases.js";

interface Stream {
  status: number;
  messages: SseMessage[];
  events(): SseMessage[];
  waitForEvents(count: number): Promise<SseMessage[]>;
  close(): void;
}

// On PostgreSQL `seq` is taken at insert, not at commit, which is what the feed's settle window
// is for: the same tests run on both stores.
for (const backend of ["sqlite", "postgres"] as const) {
  describe(`GET /v1/events/stream (${backend})`, {
    skip: backend === "postgres" && TEST_DATABASE_URL === undefined ? "HERALD_TEST_DATABASE_URL is not set" : false,
  }, () => {
    let h: LiveHerald;
    let database: TestDatabase | undefined;
    let acct: { id: string; testKey: string; liveKey: string };
    const open: Stream[] = [];

    async function connect(query = "", headers: Record<string, string> = {}, key = acct.testKey): Promise<Stream> {
      const abort = new AbortController();
      const res = await request(`${h.url}/v1/events/stream${query}`, {
        headers: { authorization: `Bearer ${key}`, ...headers },
        signal: abort.signal,
      });
      const messages: SseMessage[] = [];
      const stream: Stream = {
        status: res.statusCode,
        messages,
        events: () => messages.filter((m) => m.event === "event"),
        waitForEvents: (count) =>
          eventually(async () => stream.events().length >= count && stream.events(), 10_000, `${count} events`),
        close: () => abort.abort(),
      };
      if (res.statusCode === 200) {
        const parser = new SseParser();
        const decoder = new TextDecoder();
        void (async () => {
          try {
            for await (const chunk of res.body) messages.push(...parser.push(decoder.decode(chunk, { stream: true })));
          } catch {
            // aborted by close()
          }
        })();
        await eventually(async () => messages.some((m) => m.event === "ready"), 5_000, "the ready message");
        open.push(stream);
      } else {
        messages.push({ event: "error", data: await res.body.text(), id: undefined });
      }
      return stream;
    }

    const emit = async (type: string, key = acct.testKey): Promise<string> => {
      const res = await h.api("POST", "/v1/events", { type, data: { object: { id: "obj_1" } } }, key);
      assert.equal(res.status, 202, JSON.stringify(res.body));
      return res.body.id;
    };
    const ids = (messages: SseMessage[]) => messages.map((m) => m.id);

    before(async () => {
      if (backend === "postgres") database = await createDatabase(TEST_DATABASE_URL as string);
      h = await startHerald(database === undefined ? {} : { databaseUrl: database.url });
      acct = await h.account();
    });
    after(async () => {
      for (const stream of open) stream.close();
      await h.stop();
      await database?.drop();
    });

    test("refuses live keys, the operator token, unknown types and unknown cursors", async () => {
      const live = await connect("", {}, acct.liveKey);
      assert.equal(live.status, 403);
      assert.equal(JSON.parse(live.messages[0]?.data ?? "").error.code, "test_mode_only");
      const operator = await connect("", {}, h.adminToken);
      assert.equal(operator.status, 401);
      const type = await connect("?types=payment.succeeded,nope.*");
      assert.equal(type.status, 400);
      assert.equal(JSON.parse(type.messages[0]?.data ?? "").error.param, "types");
      const cursor = await connect("?after=evt_doesnotexist");
      assert.equal(cursor.status, 404);
      assert.equal(JSON.parse(cursor.messages[0]?.data ?? "").error.code, "resource_missing");
    });

    test("on a fresh account the stream starts at the beginning", async () => {
      const stream = await connect();
      const ready = stream.messages.find((m) => m.event === "ready");
      assert.deepEqual(JSON.parse(ready?.data ?? ""), { cursor: null });
      assert.equal(ready?.id, "beginning");
      const first = await emit("payment.succeeded");
      assert.deepEqual(ids(await stream.waitForEvents(1)), [first]);
      stream.close();
    });

    test("sends every event created after it started, once, in order, exactly as stored", async () => {
      const earlier = await emit("payment.failed");
      const stream = await connect();
      assert.deepEqual(JSON.parse(stream.messages.find((m) => m.event === "ready")?.data ?? ""), { cursor: earlier });
      const emitted: string[] = [];
      for (let i = 0; i < 12; i++) emitted.push(await emit(i % 2 === 0 ? "refund.created" : "customer.updated"));
      const events = await stream.waitForEvents(12);
      assert.deepEqual(ids(events), emitted);
      for (const message of events) {
        const stored = await h.api("GET", `/v1/events/${message.id}`, undefined, acct.testKey);
        assert.equal(message.data, JSON.stringify(stored.body));
      }
      await new Promise((resolve) => setTimeout(resolve, 600)); // a few more polls: nothing twice
      assert.equal(stream.events().length, 12);
      stream.close();
    });

    test("filters by ?types= (exact names and prefix.*)", async () => {
      const stream = await connect("?types=payment.*,refund.failed");
      const wanted = [await emit("payment.succeeded"), await emit("refund.failed")];
      await emit("refund.created");
      const last = await emit("payment.pending");
      assert.deepEqual(ids(await stream.waitForEvents(3)), [...wanted, last]);
      stream.close();
    });

    test("resumes after Last-Event-ID (or ?after=) and from `beginning`", async () => {
      const a = await emit("charge.succeeded");
      const b = await emit("charge.failed");
      const c = await emit("paywall.created");
      const resumed = await connect("", { "last-event-id": a });
      assert.deepEqual(ids(await resumed.waitForEvents(2)), [b, c]);
      const viaQuery = await connect(`?after=${b}`);
      assert.deepEqual(ids(await viaQuery.waitForEvents(1)), [c]);
      const all = await connect("?after=beginning");
      const history = await h.api("GET", "/v1/events?limit=100", undefined, acct.testKey);
      const expected = history.body.data.map((e: { id: string }) => e.id).reverse();
      assert.deepEqual(ids(await all.waitForEvents(expected.length)), expected);
      for (const stream of [resumed, viaQuery, all]) stream.close();
    });

    test("never carries another account's events or live events", async () => {
      const other = await h.account("Other");
      const stream = await connect();
      await h.api("POST", "/v1/events", { type: "payment.succeeded", data: { object: {} } }, other.testKey);
      await h.api(
        "POST",
        "/v1/events",
        { type: "payment.succeeded", data: { object: {} }, livemode: true },
        h.adminToken,
        { "herald-account": acct.id },
      );
      const mine = await emit("service.created");
      assert.deepEqual(ids(await stream.waitForEvents(1)), [mine]);
      await new Promise((resolve) => setTimeout(resolve, 500));
      assert.deepEqual(ids(stream.events()), [mine]);
      // And another account's event id is no cursor here.
      const foreign = await h.api("GET", "/v1/events?limit=1", undefined, other.testKey);
      assert.equal((await connect(`?after=${foreign.body.data[0].id}`)).status, 404);
      stream.close();
    });

    test("at most 10 streams per account and mode; a closed one frees its place", async () => {
      const other = await h.account("Busy");
      const streams: Stream[] = [];
      for (let i = 0; i < 10; i++) streams.push(await connect("", {}, other.testKey));
      const refused = await connect("", {}, other.testKey);
      assert.equal(refused.status, 429);
      assert.equal(JSON.parse(refused.messages[0]?.data ?? "").error.code, "too_many_streams");
      assert.equal((await connect("", {}, acct.testKey)).status, 200, "another account is not affected");
      streams[0]?.close();
      await eventually(async () => (await connect("", {}, other.testKey)).status === 200, 5_000, "a free place");
      for (const stream of streams) stream.close();
    });

    test("the server stops promptly with streams open", async () => {
      const separate = await startHerald();
      const key = (await separate.account()).testKey;
      const res = await request(`${separate.url}/v1/events/stream`, { headers: { authorization: `Bearer ${key}` } });
      assert.equal(res.statusCode, 200);
      const ended = (async () => {
        for await (const _ of res.body) {
          // drain until the server ends the stream
        }
      })();
      const started = Date.now();
      await separate.stop();
      await ended;
      assert.ok(Date.now() - started < 5_000, `stopped in ${Date.now() - started} ms`);
    });
  });
}
