/**
 * Misbehaving receivers: raw TCP servers on loopback that read one HTTP
 * request and then do whatever the test says with the socket (half a
 * response, a reset, an endless body), which node:http would not let a
 * server do. Each records when requests arrived and their `webhook-id`.
 */
import { createServer, type Server, type Socket } from "node:net";

export interface Arrival {
  at: number;
  webhookId: string | undefined;
}

export interface RawReceiver {
  url: string;
  arrivals: Arrival[];
  /** Bytes of response written to sockets so far. */
  written: number;
  close(): Promise<void>;
}

/** What to do with the socket once a request was read. `count` adds bytes written to `written`. */
export type RawBehaviour = (socket: Socket, count: (bytes: number) => void) => void;

export async function startRawReceiver(behaviour: RawBehaviour): Promise<RawReceiver> {
  const sockets = new Set<Socket>();
  const r: RawReceiver = {
    url: "",
    arrivals: [],
    written: 0,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((res) => server.close(() => res()));
    },
  };
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => undefined); // the client hanging up is what some behaviours are about
    let buf = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      const end = buf.indexOf("\r\n\r\n");
      if (end < 0) return;
      const head = buf.subarray(0, end).toString("latin1");
      const length = Number(/\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1] ?? 0);
      if (buf.length < end + 4 + length) return;
      socket.off("data", onData);
      r.arrivals.push({ at: Date.now(), webhookId: /\r\nwebhook-id:\s*(\S+)/i.exec(head)?.[1] });
      behaviour(socket, (bytes) => {
        r.written += bytes;
      });
    };
    socket.on("data", onData);
  });
  await new Promise<void>((res) => server.listen(0, "127.0.0.1", () => res()));
  r.url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return r;
}

/** A whole response, then the connection closes. */
export function respond(status: number, headers: Record<string, string> = {}, body = ""): RawBehaviour {
  return (socket, count) => {
    const lines = Object.entries({ "content-length": String(Buffer.byteLength(body)), ...headers, connection: "close" })
      .map(([k, v]) => `${k}: ${v}\r\n`)
      .join("");
    const text = `HTTP/1.1 ${status} X\r\n${lines}\r\n${body}`;
    count(Buffer.byteLength(text));
    socket.end(text);
  };
}

/** Writes `text` as is and closes: half a response. */
export function writeAndClose(text: string): RawBehaviour {
  return (socket, count) => {
    count(Buffer.byteLength(text));
    socket.end(text);
  };
}

/** A 200 whose body is `total` bytes, streamed as fast as the client reads it. */
export function hugeBody(total: number): RawBehaviour {
  return (socket, count) => {
    const chunk = Buffer.alloc(64 * 1024, "x");
    let sent = 0;
    const head = `HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: ${total}\r\n\r\n`;
    socket.write(head);
    const pump = () => {
      while (sent < total && !socket.destroyed) {
        sent += chunk.length;
        count(chunk.length);
        if (!socket.write(chunk)) return socket.once("drain", pump);
      }
      socket.end();
      return undefined;
    };
    pump();
  };
}

/** A 200 whose body comes one byte every `everyMs`, `bytes` in all. */
export function trickle(bytes: number, everyMs: number): RawBehaviour {
  return (socket, count) => {
    socket.write(`HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: ${bytes}\r\n\r\n`);
    let sent = 0;
    const t = setInterval(() => {
      if (socket.destroyed || sent >= bytes) {
        clearInterval(t);
        socket.end();
        return;
      }
      sent++;
      count(1);
      socket.write("x");
    }, everyMs);
    socket.on("close", () => clearInterval(t));
  };
}
