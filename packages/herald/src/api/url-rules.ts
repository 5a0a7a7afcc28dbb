/**
 * Which URLs an endpoint may have (contract §3): parseable, https (http in
 * test mode only), no credentials, at most 2048 characters; in live mode no
 * loopback, private, link-local or metadata targets unless the operator allows
 * them. The delivery engine checks the resolved address again when it
 * connects, so this check is about telling the user early, not the last line
 * of defence against DNS rebinding.
 */
import { isIP } from "node:net";
import { isBlockedAddress, resolveHost } from "../delivery/ssrf.js";
import { invalid } from "../domain/errors.js";
import type { Mode } from "../domain/types.js";

export const MAX_URL_LENGTH = 2048;
/** A DNS answer slower than this does not hold up the request: delivery checks again anyway. */
const LOOKUP_TIMEOUT_MS = 2000;

export interface UrlPolicy {
  mode: Mode;
  /** `--allow-private-targets`: live endpoints may point at private addresses. */
  allowPrivateTargets: boolean;
}

/** Throws a 400 `url_invalid` / `url_not_allowed` (param `url`) when `raw` may not be an endpoint URL. */
export async function checkEndpointUrl(raw: string, policy: UrlPolicy): Promise<void> {
  const bad = (reason: string) => invalid("url_invalid", `Invalid url: ${reason}.`, "url");
  if (raw.length > MAX_URL_LENGTH) throw bad(`it must be at most ${MAX_URL_LENGTH} characters long`);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw bad("it is not an absolute URL such as https://example.com/webhooks");
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") throw bad("it must start with https://");
  if (url.protocol === "http:" && policy.mode === "live") {
    throw invalid("url_invalid", "Live endpoints must use https:// (http:// is accepted in test mode only).", "url");
  }
  if (url.username !== "" || url.password !== "") throw bad("it must not contain a user name or password");
  if (url.hostname === "") throw bad("it has no host");
  if (policy.mode === "test" || policy.allowPrivateTargets) return;
  await checkPublicTarget(url.hostname);
}

async function checkPublicTarget(hostname: string): Promise<void> {
  const refuse = (what: string) =>
    invalid(
      "url_not_allowed",
      `Invalid url: ${what} is a loopback, private, link-local or metadata address, which live endpoints may not use.`,
      "url",
    );
  // WHATWG URL has already turned 2130706433, 0x7f.1 and 0177.0.0.1 into
  // 127.0.0.1; IPv6 literals keep their brackets.
  const host = hostname.startsWith("[") ? hostname.slice(1, -1) : hostname.replace(/\.$/, "").toLowerCase();
  if (isIP(host) !== 0) {
    if (isBlockedAddress(host)) throw refuse(host);
    return;
  }
  if (host === "localhost" || host.endsWith(".localhost")) throw refuse(host);
  const addresses = await resolve(host);
  const blocked = addresses.find((a) => isBlockedAddress(a));
  if (blocked !== undefined) throw refuse(`${host} (${blocked})`);
}

/**
 * The host's addresses (through `HERALD_DNS_SERVERS` when set); [] when it
 * does not resolve now (the endpoint may still be set up before DNS).
 */
async function resolve(host: string): Promise<string[]> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string[]>((done) => {
    timer = setTimeout(() => done([]), LOOKUP_TIMEOUT_MS);
  });
  try {
    const answer = resolveHost(host).then(
      (list) => list.map((a) => a.address),
      () => [],
    );
    return await Promise.race([answer, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
