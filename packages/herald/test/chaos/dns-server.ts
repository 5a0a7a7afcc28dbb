/**
 * A tiny authoritative DNS server on loopback UDP, for steering what a host
 * name resolves to in the middle of a test (DNS rebinding). Hand-written on
 * node:dgram: it answers A and AAAA questions only, which is a few dozen
 * lines, and no DNS package is in the project's dependencies (adding one for
 * a test fixture was not worth it).
 */
import { createSocket } from "node:dgram";
import { isIPv4 } from "node:net";

const A = 1;
const AAAA = 28;

export interface DnsServer {
  /** `127.0.0.1:<port>`, the form `HERALD_DNS_SERVERS` takes. */
  address: string;
  /** The answers, by lower-case name; change them at any time. A name not here gets NXDOMAIN. */
  records: Map<string, { a?: readonly string[]; aaaa?: readonly string[] }>;
  /** Questions asked so far, as `name TYPE`. */
  asked: string[];
  close(): Promise<void>;
}

export async function startDnsServer(): Promise<DnsServer> {
  const socket = createSocket("udp4");
  const records: DnsServer["records"] = new Map();
  const asked: string[] = [];
  socket.on("message", (msg, rinfo) => {
    const q = parseQuestion(msg);
    if (q === null) return;
    asked.push(`${q.name} ${q.type === A ? "A" : q.type === AAAA ? "AAAA" : q.type}`);
    const rec = records.get(q.name);
    const addresses = rec === undefined ? [] : ((q.type === A ? rec.a : q.type === AAAA ? rec.aaaa : []) ?? []);
    socket.send(answer(msg, q.end, q.type, rec === undefined, addresses), rinfo.port, rinfo.address);
  });
  await new Promise<void>((res) => socket.bind(0, "127.0.0.1", () => res()));
  return {
    address: `127.0.0.1:${socket.address().port}`,
    records,
    asked,
    close: () => new Promise<void>((res) => socket.close(() => res())),
  };
}

/** The first question's name and type, and where the question section ends. */
function parseQuestion(msg: Buffer): { name: string; type: number; end: number } | null {
  if (msg.length < 12 || msg.readUInt16BE(4) < 1) return null;
  const labels: string[] = [];
  let i = 12;
  while (i < msg.length) {
    const len = msg[i] as number;
    if (len === 0) break;
    labels.push(msg.subarray(i + 1, i + 1 + len).toString("ascii"));
    i += 1 + len;
  }
  if (i + 5 > msg.length) return null;
  return { name: labels.join(".").toLowerCase(), type: msg.readUInt16BE(i + 1), end: i + 5 };
}

/** A response: the query's id and question, then one record per address (TTL 0: never cached). */
function answer(
  query: Buffer,
  questionEnd: number,
  type: number,
  nxdomain: boolean,
  addresses: readonly string[],
): Buffer {
  const header = Buffer.alloc(12);
  query.copy(header, 0, 0, 2); // id
  // QR, opcode 0, AA, RD copied from the query, RA; rcode 3 = NXDOMAIN.
  header.writeUInt16BE(0x8400 | (((query[2] as number) & 0x01) << 8) | 0x80 | (nxdomain ? 3 : 0), 2);
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(addresses.length, 6);
  const records = addresses.map((address) => {
    const rdata = type === A ? ipv4Bytes(address) : ipv6Bytes(address);
    const rr = Buffer.alloc(12);
    rr.writeUInt16BE(0xc00c, 0); // the name: a pointer to the question's
    rr.writeUInt16BE(type, 2);
    rr.writeUInt16BE(1, 4); // class IN
    rr.writeUInt32BE(0, 6); // TTL
    rr.writeUInt16BE(rdata.length, 10);
    return Buffer.concat([rr, rdata]);
  });
  return Buffer.concat([header, query.subarray(12, questionEnd), ...records]);
}

function ipv4Bytes(address: string): Buffer {
  return Buffer.from(address.split(".").map(Number));
}

/** `::1`, `2606:4700::1111`, `::ffff:127.0.0.1` → 16 bytes. */
function ipv6Bytes(address: string): Buffer {
  let text = address;
  const tail: number[] = [];
  const lastColon = text.lastIndexOf(":");
  if (isIPv4(text.slice(lastColon + 1))) {
    const [a, b, c, d] = ipv4Bytes(text.slice(lastColon + 1));
    tail.push(((a as number) << 8) | (b as number), ((c as number) << 8) | (d as number));
    text = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const [head = "", rest] = text.split("::");
  const left = head === "" ? [] : head.split(":");
  const right = rest === undefined || rest === "" ? [] : rest.split(":");
  const groups = [...left, ...Array(8 - left.length - right.length).fill("0"), ...right].map((g) =>
    Number.parseInt(g, 16),
  );
  if (tail.length === 2) groups.splice(6, 2, ...tail);
  const out = Buffer.alloc(16);
  for (const [i, g] of groups.entries()) out.writeUInt16BE(g, i * 2);
  return out;
}
