/**
 * The fast local receiver, run as its own process (forked with an IPC
 * channel). It verifies nothing: it records when each request arrived and
 * answers. The path picks the behaviour:
 *
 *   /ok/…    200 at once (counted, and timed when the phase asks for latency)
 *   /fail/…  500 at once
 *   /hang/…  no answer until the client gives up (capped at HANG_CAP_MS)
 *
 * Arrivals are counted per phase; the parent starts a phase, waits until it
 * has seen `count` /ok/ arrivals, then collects the figures over IPC.
 *
 * It listens on two ports with the same behaviour: two origins, so a scenario
 * can put endpoints behind different origins (a sender keeps one connection
 * pool per origin) or behind the same one.
 */
import { createServer } from "node:http";
import { nowMs } from "./clock.mjs";

/** A hung request is answered 504 after this long, so nothing waits forever. */
const HANG_CAP_MS = 120_000;

/**
 * @typedef {{
 *   name: string, latency: boolean, ok: number, fail: number, hang: number, first: number, last: number,
 *   paths: Map<string, {n: number, last: number}>, seq: number[], sent: number[], arrival: number[]
 * }} Phase
 */

/** @param {string} name @param {boolean} latency @returns {Phase} */
function newPhase(name, latency) {
  return {
    name,
    latency,
    ok: 0,
    fail: 0,
    hang: 0,
    first: 0,
    last: 0,
    paths: new Map(),
    seq: [],
    sent: [],
    arrival: [],
  };
}

let phase = newPhase("idle", false);
/** @type {{count: number, reply: (reached: boolean) => void} | null} */
let waiter = null;
/** @type {Set<import("node:http").ServerResponse>} */
const hung = new Set();

/** The number after `key` in a JSON text, without parsing the whole body. */
function numberAfter(/** @type {string} */ text, /** @type {string} */ key) {
  const i = text.indexOf(key);
  return i < 0 ? Number.NaN : Number.parseFloat(text.slice(i + key.length, i + key.length + 40));
}

function arrived(/** @type {string} */ path, /** @type {string | null} */ body) {
  const t = nowMs();
  const p = phase;
  if (p.ok === 0) p.first = t;
  p.ok++;
  p.last = t;
  const per = p.paths.get(path);
  if (per === undefined) p.paths.set(path, { n: 1, last: t });
  else {
    per.n++;
    per.last = t;
  }
  if (body !== null) {
    p.seq.push(numberAfter(body, '"seq":'));
    p.sent.push(numberAfter(body, '"sent_at":'));
    p.arrival.push(t);
  }
  if (waiter !== null && p.ok >= waiter.count) {
    const w = waiter;
    waiter = null;
    w.reply(true);
  }
}

/** @type {import("node:http").RequestListener} */
const onRequest = (req, res) => {
  const url = req.url ?? "/";
  if (url.startsWith("/ok/")) {
    if (phase.latency) {
      let body = "";
      req.setEncoding("utf8");
      req.on("data", (chunk) => {
        body += chunk;
      });
      req.on("end", () => {
        arrived(url, body);
        res.writeHead(200, { "content-length": "0" }).end();
      });
    } else {
      req.resume();
      req.on("end", () => {
        arrived(url, null);
        res.writeHead(200, { "content-length": "0" }).end();
      });
    }
    return;
  }
  req.resume();
  if (url.startsWith("/fail/")) {
    phase.fail++;
    res.writeHead(500, { "content-type": "application/json" }).end('{"error":"bench: failing on purpose"}');
    return;
  }
  if (url.startsWith("/hang/")) {
    phase.hang++;
    hung.add(res);
    const cap = setTimeout(() => {
      hung.delete(res);
      if (!res.writableEnded) res.writeHead(504).end();
    }, HANG_CAP_MS);
    res.on("close", () => {
      clearTimeout(cap);
      hung.delete(res);
    });
    return;
  }
  res.writeHead(404).end();
};

const servers = [createServer(onRequest), createServer(onRequest)];
for (const server of servers) {
  // Clients keep connections open between phases; hung requests must not be cut by the server.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.requestTimeout = 0;
}

/** @param {any} msg */
function handle(msg) {
  const reply = (/** @type {unknown} */ value) => process.send?.({ id: msg.id, value });
  switch (msg.cmd) {
    case "phase":
      if (waiter !== null) waiter.reply(false);
      waiter = null;
      phase = newPhase(msg.name, msg.latency === true);
      reply(true);
      return;
    case "wait": {
      if (phase.ok >= msg.count) return reply({ reached: true, ok: phase.ok });
      /** @type {NodeJS.Timeout} */
      const timer = setTimeout(() => {
        if (waiter !== null) waiter.reply(false);
      }, msg.timeoutMs);
      waiter = {
        count: msg.count,
        reply: (reached) => {
          clearTimeout(timer);
          waiter = null;
          reply({ reached, ok: phase.ok });
        },
      };
      return;
    }
    case "stats":
      reply({
        name: phase.name,
        ok: phase.ok,
        fail: phase.fail,
        hang: phase.hang,
        first: phase.first,
        last: phase.last,
        paths: [...phase.paths].map(([path, v]) => ({ path, n: v.n, last: v.last })),
        latency: phase.latency ? { seq: phase.seq, sent: phase.sent, arrival: phase.arrival } : null,
      });
      return;
    case "close":
      for (const res of hung) res.destroy();
      for (const server of servers) {
        server.close();
        server.closeAllConnections();
      }
      setImmediate(() => process.exit(0));
      return;
    default:
      reply({ error: `unknown command ${String(msg.cmd)}` });
  }
}

process.on("message", handle);
// The parent went away (crash or kill): nobody will collect, so stop.
process.on("disconnect", () => process.exit(0));
const ports = await Promise.all(
  servers.map(
    (server) =>
      new Promise((resolve) => {
        server.listen(0, "127.0.0.1", () => {
          const address = server.address();
          resolve(typeof address === "object" && address !== null ? address.port : 0);
        });
      }),
  ),
);
process.send?.({ ready: true, port: ports[0], ports });
