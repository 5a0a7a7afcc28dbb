/**
 * The SSRF guard: which addresses a live-mode endpoint may never reach.
 * It is applied to the address a hostname resolves to, at the moment of
 * connecting (see dispatcher's lookup), so a DNS answer that changes between
 * the check at create time and the delivery cannot slip through.
 */
import { lookup as dnsLookup } from "node:dns";
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

/**
 * A drop-in `lookup` for net/tls connect options that refuses blocked
 * addresses after resolution, so the address checked is the one connected to.
 */
export function guardedLookup(hostname: string, options: object, callback: LookupCallback): void {
  dnsLookup(hostname, { ...(options as Record<string, unknown>), all: true }, (err, addresses) => {
    if (err) return callback(err, []);
    const list = addresses as unknown as { address: string; family: number }[];
    const bad = list.find((a) => isBlockedAddress(a.address));
    if (bad !== undefined)
      return callback(new SsrfBlockedError(hostname, bad.address) as unknown as NodeJS.ErrnoException, []);
    if ((options as { all?: boolean }).all === true) return callback(null, list);
    const first = list[0];
    if (first === undefined)
      return callback(Object.assign(new Error(`No address for ${hostname}`), { code: "ENOTFOUND" }), []);
    return callback(null, first.address, first.family);
  });
}
