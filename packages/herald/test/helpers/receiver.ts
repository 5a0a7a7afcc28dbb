/**
 * Real HTTP receivers on loopback for delivery tests. Each request is
 * recorded (headers and raw body) and answered by a behaviour the test
 * chooses per request: a status, a hang, a reset, a redirect, a slow body.
 */
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

export interface Received {
  at: number;
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export type Behaviour =
  | { kind: "status"; status: number; body?: string; headers?: Record<string, string> }
  | { kind: "hang" }
  | { kind: "reset" }
  | { kind: "slow-body"; status: number; chunks: number; everyMs: number };

export interface Receiver {
  url: string;
  received: Received[];
  /** Concurrent requests being handled now, and the most seen at once. */
  inFlight: number;
  maxInFlight: number;
  /** Behaviour for the n-th request (0-based); default 200. */
  respond: (n: number, req: Received) => Behaviour;
  /** Resolves when at least `count` requests arrived (rejects after `timeoutMs`). */
  waitFor(count: number, timeoutMs?: number): Promise<Received[]>;
  close(): Promise<void>;
}

export async function startReceiver(respond: (n: number, req: Received) => Behaviour = () => ok()): Promise<Receiver> {
  const sockets = new Set<Socket>();
  const waiters: { count: number; resolve: () => void }[] = [];
  let n = 0;
  const r: Receiver = {
    url: "",
    received: [],
    inFlight: 0,
    maxInFlight: 0,
    respond,
    waitFor(count, timeoutMs = 20_000) {
      if (r.received.length >= count) return Promise.resolve(r.received);
      return new Promise((resolve, reject) => {
        const t = setTimeout(
          () => reject(new Error(`receiver got ${r.received.length} requests, expected ${count}`)),
          timeoutMs,
        );
        waiters.push({
          count,
          resolve: () => {
            clearTimeout(t);
            resolve(r.received);
          },
        });
      });
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((res) => server.close(() => res()));
    },
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const rec: Received = {
        at: Date.now(),
        method: req.method ?? "",
        path: req.url ?? "",
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      };
      r.received.push(rec);
      r.inFlight++;
      r.maxInFlight = Math.max(r.maxInFlight, r.inFlight);
      res.on("close", () => r.inFlight--);
      for (const w of waiters.splice(0)) {
        if (r.received.length >= w.count) w.resolve();
        else waiters.push(w);
      }
      act(r.respond(n++, rec), res);
    });
  });
  server.on("connection", (s: Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((res) => server.listen(0, "127.0.0.1", () => res()));
  r.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return r;
}

function act(b: Behaviour, res: ServerResponse): void {
  switch (b.kind) {
    case "status":
      res.writeHead(b.status, { "content-type": "text/plain", ...b.headers });
      res.end(b.body ?? "");
      return;
    case "hang":
      return; // never answers; the client's timeout ends it
    case "reset":
      res.socket?.resetAndDestroy();
      return;
    case "slow-body": {
      res.writeHead(b.status, { "content-type": "text/plain" });
      let i = 0;
      const t = setInterval(() => {
        if (res.destroyed || i >= b.chunks) {
          clearInterval(t);
          res.end();
          return;
        }
        res.write(`chunk ${i++}\n`);
      }, b.everyMs);
      return;
    }
  }
}

export const ok = (body = "ok"): Behaviour => ({ kind: "status", status: 200, body });
export const status = (code: number, headers?: Record<string, string>, body?: string): Behaviour => ({
  kind: "status",
  status: code,
  ...(headers === undefined ? {} : { headers }),
  ...(body === undefined ? {} : { body }),
});
