/**
 * The SSRF guard: which addresses a live-mode endpoint may never reach.
 * It is applied to the address a hostname resolves to, at the moment of
 * connecting (see dispatcher's lookup), so a DNS answer that changes between
 * the check at create time and the delivery cannot slip through. Both
 * resolve through the same resolver: the system's, or the operator's DNS
 * servers (`HERALD_DNS_SERVERS`, see useDnsServers).
 */
import { lookup as dnsLookup } from "node:dns";
import { lookup as lookupAll, Resolver } from "node:dns/promises";
import { BlockList, isIP } from "node:net";

const blocked = new BlockList();
// IPv4: "this" network, private, loopback, link-local (incl. cloud metadata
// 169.254.169.254), CGNAT, IETF protocol assignments, benchmarking, multicast
// and reserved.
for (const [net, prefix] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.0.2.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["198.51.100.0", 24],
  ["203.0.113.0", 24],
  ["224.0.0.0", 4],
  ["240.0.0.0", 4],
] as const) {
  blocked.addSubnet(net, prefix, "ipv4");
}
// IPv6: unspecified, loopback, unique-local, link-local, site-local,
// multicast, documentation, NAT64 and 6to4 (which embed IPv4 addresses),
// and the AWS IPv6 metadata address inside fd00::/8.
for (const [net, prefix] of [
  ["::", 128],
  ["::1", 128],
  ["fc00::", 7],
  ["fe80::", 10],
  ["fec0::", 10],
  ["ff00::", 8],
  ["2001:db8::", 32],
  ["64:ff9b::", 96],
  ["2002::", 16],
] as const) {
  blocked.addSubnet(net, prefix, "ipv6");
}

/** True when `address` (an IP literal) is one a live endpoint must not reach. */
export function isBlockedAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return blocked.check(address, "ipv4");
  if (family === 6) {
    const mapped = embeddedIPv4(address);
    if (mapped !== null) return blocked.check(mapped, "ipv4");
    return blocked.check(address, "ipv6");
  }
  // Not an IP literal: the caller must resolve it first.
  return true;
}

/** `::ffff:127.0.0.1` and `::ffff:7f00:1` (IPv4-mapped) and `::127.0.0.1` (IPv4-compatible) → the IPv4 inside. */
function embeddedIPv4(address: string): string | null {
  const lower = address.toLowerCase();
  const dotted = /^::(?:ffff:(?:0:)?)?(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  if (dotted?.[1] !== undefined) return dotted[1];
  const hex = /^::(?:ffff:(?:0:)?)?([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(lower);
  if (hex?.[1] !== undefined && hex[2] !== undefined) {
    const hi = Number.parseInt(hex[1], 16);
    const lo = Number.parseInt(hex[2], 16);
    return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  }
  return null;
}

export class SsrfBlockedError extends Error {
  readonly code = "ssrf_blocked";
  constructor(host: string, address: string) {
    super(
      `Refused to connect to ${host} (${address}): private, loopback, link-local and metadata addresses are not allowed in live mode.`,
    );
    this.name = "SsrfBlockedError";
  }
}

type LookupCallback = (
  err: NodeJS.ErrnoException | null,
  address: string | { address: string; family: number }[],
  family?: number,
) => void;

export interface ResolvedAddress {
  address: string;
  family: number;
}

/** The operator's DNS servers (`HERALD_DNS_SERVERS`), or null for the system resolver. */
let resolver: Resolver | null = null;

/**
 * Sends the guard's DNS questions (create-time check and connect-time lookup)
 * to `servers` (`address[:port]` each, e.g. `127.0.0.1:5353` or `[::1]:53`)
 * instead of the system resolver; null goes back to the system resolver.
 * Operators use it to pin delivery DNS to a resolver they trust. The
 * system's `/etc/hosts` is not consulted then. Throws on a malformed server.
 */
export function useDnsServers(servers: readonly string[] | null): void {
  if (servers === null || servers.length === 0) {
    resolver = null;
    return;
  }
  // Short timeouts: a dead resolver must fail an attempt, not hold it.
  const r = new Resolver({ timeout: 2000, tries: 2 });
  try {
    r.setServers([...servers]);
  } catch {
    throw new Error(
      `Invalid HERALD_DNS_SERVERS '${servers.join(",")}': expected IP addresses with an optional port, such as 10.0.0.2,10.0.0.3:5353,[2001:db8::53]:53.`,
    );
  }
  resolver = r;
}

/**
 * Every address of `hostname` (`family` 4 or 6 narrows it; 0 is both), from
 * the operator's DNS servers when set, else from the system's lookup.
 */
export async function resolveHost(hostname: string, family: number = 0): Promise<ResolvedAddress[]> {
  if (resolver === null) {
    return lookupAll(hostname, { all: true, family });
  }
  const r = resolver;
  const asked = await Promise.allSettled([
    family === 6 ? Promise.resolve([]) : r.resolve4(hostname).then((l) => l.map((address) => ({ address, family: 4 }))),
    family === 4 ? Promise.resolve([]) : r.resolve6(hostname).then((l) => l.map((address) => ({ address, family: 6 }))),
  ]);
  const found = asked.flatMap((a) => (a.status === "fulfilled" ? a.value : []));
  if (found.length > 0) return found;
  const failed = asked.find((a): a is PromiseRejectedResult => a.status === "rejected");
  // c-ares names a dead DNS server ECONNREFUSED, which would read as "the
  // receiver refused": every failure to resolve is a DNS failure here.
  throw Object.assign(new Error(`DNS lookup of ${hostname} failed${failed ? `: ${String(failed.reason)}` : ""}`), {
    code: "ENOTFOUND",
    hostname,
  });
}

/**
 * A drop-in `lookup` for net/tls connect options that refuses blocked
 * addresses after resolution, so the address checked is the one connected to.
 */
export function guardedLookup(hostname: string, options: object, callback: LookupCallback): void {
  lookupThen(hostname, options, callback, (list) => list.find((a) => isBlockedAddress(a.address)));
}

/** The same lookup without the guard (test mode, `--allow-private-targets`): it still honours `HERALD_DNS_SERVERS`. */
export function plainLookup(hostname: string, options: object, callback: LookupCallback): void {
  lookupThen(hostname, options, callback, () => undefined);
}

function lookupThen(
  hostname: string,
  options: object,
  callback: LookupCallback,
  blockedOf: (list: ResolvedAddress[]) => ResolvedAddress | undefined,
): void {
  const opts = options as { all?: boolean; family?: number | string };
  const done = (list: ResolvedAddress[]) => {
    const bad = blockedOf(list);
    if (bad !== undefined)
      return callback(new SsrfBlockedError(hostname, bad.address) as unknown as NodeJS.ErrnoException, []);
    if (opts.all === true) return callback(null, list);
    const first = list[0];
    if (first === undefined)
      return callback(Object.assign(new Error(`No address for ${hostname}`), { code: "ENOTFOUND" }), []);
    return callback(null, first.address, first.family);
  };
  if (resolver === null) {
    dnsLookup(hostname, { ...(options as Record<string, unknown>), all: true }, (err, addresses) => {
      if (err) return callback(err, []);
      done(addresses as unknown as ResolvedAddress[]);
    });
    return;
  }
  const family = opts.family === 6 || opts.family === "IPv6" ? 6 : opts.family === 4 || opts.family === "IPv4" ? 4 : 0;
  resolveHost(hostname, family).then(done, (err: NodeJS.ErrnoException) => callback(err, []));
}
