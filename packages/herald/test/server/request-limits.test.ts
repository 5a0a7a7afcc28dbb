/**
 * Oversized and slow requests are cut off, over raw sockets against a real
 * server whose request timeout is shortened (`HERALD_REQUEST_TIMEOUT_MS`):
 * headers or a body trickled a byte at a time, a 10 MB body (with and
 * without a content-length), an oversized header block, and a crowd of idle
 * connections that must not keep a normal request from being served.
 */
import assert from "node:assert/strict";
import { connect, type Socket } from "node:net";
import { after, before, describe, test } from "node:test";
import { eventually, type LiveHerald, startHerald } from "../helpers/live-server.js";

const TIMEOUT_MS = 1000;

interface RawResult {
  /** Everything the server sent before it closed the connection. */
  response: string;
  /** Bytes of the request we managed to write before the server closed it. */
  written: number;
  closedByServer: boolean;
}

/**
 * Writes `head`, then `trickle` one byte every `everyMs`, until the server
 * closes the connection or the trickle ends (then waits `graceMs` for the
 * answer and closes it ourselves).
 */
function rawRequest(
  url: string,
  head: string,
  o: { trickle?: string; everyMs?: number; chunks?: Buffer[]; graceMs?: number } = {},
): Promise<RawResult> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    let response = "";
    let written = 0;
    let done = false;
    let timer: NodeJS.Timeout | null = null;
    const finish = (closedByServer: boolean) => {
      if (done) return;
      done = true;
      if (timer !== null) clearTimeout(timer);
      socket.destroy();
      resolve({ response, written, closedByServer });
    };
    socket.on("data", (d) => {
      response += d.toString("latin1");
    });
    socket.on("close", () => finish(true));
    socket.on("error", () => finish(true));
    socket.on("connect", async () => {
      socket.write(head);
      written += head.length;
      for (const chunk of o.chunks ?? []) {
        if (done || socket.destroyed) return;
        const more = socket.write(chunk);
        written += chunk.length;
        if (!more) await new Promise<void>((r) => socket.once("drain", () => r()).once("close", () => r()));
      }
      const trickle = o.trickle ?? "";
      for (let i = 0; i < trickle.length; i++) {
        if (done || socket.destroyed) return;
        await new Promise((r) => setTimeout(r, o.everyMs ?? 50));
        if (done || socket.destroyed) return;
        socket.write(trickle[i] as string);
        written++;
      }
      timer = setTimeout(() => finish(false), o.graceMs ?? 3000);
    });
  });
}

const statusOf = (response: string): number => Number(/^HTTP\/1\.1 (\d{3})/.exec(response)?.[1] ?? 0);
const bodyOf = (response: string): string => response.slice(response.indexOf("\r\n\r\n") + 4);

describe("request limits and slow clients", () => {
  let h: LiveHerald;
  let key: string;
  before(async () => {
    h = await startHerald({}, { env: { HERALD_REQUEST_TIMEOUT_MS: String(TIMEOUT_MS) } });
    key = (await h.account()).testKey;
  });
  after(() => h.stop());

  const host = () => new URL(h.url).host;

  test("headers trickled one byte at a time are cut off", async () => {
    const head = "GET /v1/webhooks HTTP/1.1\r\n";
    // 400 bytes at 50 ms each would take 20 s: the server must hang up long before.
    const trickle = `Host: ${host()}\r\nAuthorization: Bearer ${key}\r\nX-Pad: ${"a".repeat(300)}\r\n\r\n`;
    const r = await rawRequest(h.url, head, { trickle, everyMs: 50 });
    assert.ok(r.closedByServer, "the server kept the connection open");
    assert.ok(r.written < head.length + trickle.length, "the whole request got through");
    // Node answers 408 when it can, or just closes.
    if (r.response !== "") assert.equal(statusOf(r.response), 408);
  });

  test("a body trickled forever is cut off, and nothing is stored", async () => {
    const body = JSON.stringify({ type: "payment.succeeded", data: { object: { id: "pay_slow" } } });
    const padded = body + " ".repeat(400);
    const head =
      `POST /v1/events HTTP/1.1\r\nHost: ${host()}\r\nAuthorization: Bearer ${key}\r\n` +
      `Content-Type: application/json\r\nContent-Length: ${padded.length}\r\n\r\n`;
    const r = await rawRequest(h.url, head, { trickle: padded, everyMs: 50 });
    assert.ok(r.closedByServer, "the server kept the connection open");
    assert.ok(r.written < head.length + padded.length, "the whole body got through");
    if (r.response !== "") assert.equal(statusOf(r.response), 408);
    const events = await h.api("GET", "/v1/events", undefined, key);
    assert.equal(events.status, 200);
    assert.equal(events.body.data.length, 0);
  });

  for (const chunked of [false, true]) {
    test(`a 10 MB body ${chunked ? "sent chunked, without Content-Length," : "with its Content-Length"} answers 413 payload_too_large; nothing is stored`, async () => {
      const size = 10 * 1024 * 1024;
      const json = Buffer.from(
        JSON.stringify({ type: "payment.succeeded", data: { object: { id: "pay_big", pad: "x".repeat(size) } } }),
      );
      const head =
        `POST /v1/events HTTP/1.1\r\nHost: ${host()}\r\nAuthorization: Bearer ${key}\r\n` +
        `Content-Type: application/json\r\n` +
        (chunked ? "Transfer-Encoding: chunked\r\n\r\n" : `Content-Length: ${json.length}\r\n\r\n`);
      const chunks: Buffer[] = [];
      for (let i = 0; i < json.length; i += 64 * 1024) {
        const part = json.subarray(i, i + 64 * 1024);
        chunks.push(
          chunked ? Buffer.concat([Buffer.from(`${part.length.toString(16)}\r\n`), part, Buffer.from("\r\n")]) : part,
        );
      }
      if (chunked) chunks.push(Buffer.from("0\r\n\r\n"));
      const r = await rawRequest(h.url, head, { chunks, graceMs: 2000 });
      assert.equal(statusOf(r.response), 413, r.response.slice(0, 200));
      const error = JSON.parse(bodyOf(r.response)).error;
      assert.equal(error.type, "invalid_request_error");
      assert.equal(error.code, "payload_too_large");
      const events = await h.api("GET", "/v1/events", undefined, key);
      assert.equal(events.body.data.length, 0);
    });
  }

  test("the 256 KiB body limit holds on every kind of route that takes a body", async () => {
    const big = "x".repeat(300 * 1024);
    const ep = await h.api("POST", "/v1/webhooks", { url: "https://example.com/h", enabled_events: ["*"] }, key);
    assert.equal(ep.status, 201);
    const routes: [string, string, string?][] = [
      ["POST", "/v1/webhooks", key],
      ["PATCH", `/v1/webhooks/${ep.body.id}`, key],
      ["POST", `/v1/webhooks/${ep.body.id}/rotate_secret`, key],
      ["POST", "/v1/accounts"],
      ["POST", "/v1/dashboard/session"],
    ];
    for (const [method, path, token] of routes) {
      const res = await h.api(method, path, JSON.stringify({ description: big }), token);
      assert.equal(res.status, 413, `${method} ${path}: ${res.status}`);
      assert.equal(res.body.error.code, "payload_too_large");
    }
    const after = await h.api("GET", `/v1/webhooks/${ep.body.id}`, undefined, key);
    assert.equal(after.body.description, ep.body.description);
  });

  test("a header block over 16 KiB answers 431", async () => {
    const head = `GET /healthz HTTP/1.1\r\nHost: ${host()}\r\nX-Big: ${"a".repeat(20 * 1024)}\r\n\r\n`;
    const r = await rawRequest(h.url, head, { graceMs: 2000 });
    assert.equal(statusOf(r.response), 431, r.response.slice(0, 200));
  });

  test("many idle and half-open connections do not keep a normal request from being served", async () => {
    const idle: Socket[] = [];
    const closed = new Set<number>();
    const { hostname, port } = new URL(h.url);
    for (let i = 0; i < 300; i++) {
      const s = connect(Number(port), hostname);
      s.on("error", () => {});
      s.on("close", () => closed.add(i));
      s.resume();
      // Half of them start a request and never finish its headers.
      if (i % 2 === 0) s.on("connect", () => s.write("GET /v1/webhooks HTTP/1.1\r\nHost: x\r\n"));
      idle.push(s);
    }
    await Promise.all(idle.map((s) => new Promise((r) => (s.connecting ? s.once("connect", r) : r(null)))));
    try {
      const list = await h.api("GET", "/v1/webhooks", undefined, key);
      assert.equal(list.status, 200);
      const health = await h.api("GET", "/healthz");
      assert.equal(health.status, 200);
      // And the half-open ones are cut off by the headers timeout.
      await eventually(
        async () => idle.every((_s, i) => i % 2 === 1 || closed.has(i)),
        15_000,
        "the half-open connections to be closed",
      );
    } finally {
      for (const s of idle) s.destroy();
    }
  });
});
