/**
 * The SSRF guard at delivery time: a live endpoint whose host resolves to a
 * private address is refused at connect, after DNS resolution, and nothing
 * reaches the address.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { Dispatcher } from "../../src/delivery/dispatcher.js";
import { guardedLookup, isBlockedAddress } from "../../src/delivery/ssrf.js";
import type { Endpoint } from "../../src/domain/types.js";
import { SecretBox } from "../../src/secrets/secret-box.js";
import { type Receiver, startReceiver } from "../helpers/receiver.js";

describe("SSRF guard", () => {
  let r: Receiver;
  const box = new SecretBox(Buffer.alloc(32, 7));
  const endpoint = (url: string, mode: "test" | "live"): Endpoint => ({
    id: "we_x",
    accountId: "acct_x",
    mode,
    url,
    enabledEvents: ["*"],
    status: "enabled",
    disabledReason: null,
    description: null,
    metadata: {},
    signatureScheme: "standard",
    signatureHeader: null,
    timestampHeader: null,
    rateLimit: null,
    maxInFlight: null,
    secrets: [{ ciphertext: box.seal("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"), expiresAt: null }],
    consecutiveFailures: 0,
    failingSince: null,
    created: 0,
    updated: 0,
  });

  before(async () => {
    r = await startReceiver();
  });
  after(async () => {
    await r.close();
  });

  test("blocked address ranges", () => {
    for (const a of [
      "127.0.0.1",
      "10.1.2.3",
      "172.16.0.1",
      "192.168.1.1",
      "169.254.169.254",
      "0.0.0.0",
      "100.64.0.1",
      "::1",
      "::",
      "fe80::1",
      "fd00::1",
      "::ffff:127.0.0.1",
      "::ffff:7f00:1",
      "::ffff:a9fe:a9fe",
    ]) {
      assert.equal(isBlockedAddress(a), true, a);
    }
    for (const a of ["93.184.216.34", "1.1.1.1", "2606:4700::1111", "8.8.8.8"])
      assert.equal(isBlockedAddress(a), false, a);
  });

  test("the guarded lookup refuses a name that resolves to loopback", async () => {
    const err = await new Promise<Error | null>((resolve) => guardedLookup("localhost", {}, (e) => resolve(e)));
    assert.equal((err as Error & { code?: string })?.code, "ssrf_blocked");
  });

  test("a live delivery to a hostname resolving to loopback is refused at connect; test mode may reach it", async () => {
    const d = new Dispatcher({ timeoutMs: 2000, allowPrivateTargets: false, secretBox: box, version: "0.0.0" });
    const port = new URL(r.url).port;
    const live = await d.send(endpoint(`http://localhost:${port}/`, "live"), "evt_1", "{}", Date.now());
    assert.equal(live.ok, false);
    assert.equal(live.error, "ssrf_blocked");
    const literal = await d.send(endpoint(`http://127.0.0.1:${port}/`, "live"), "evt_1", "{}", Date.now());
    assert.equal(literal.error, "ssrf_blocked");
    assert.equal(r.received.length, 0, "nothing reached the private address");
    const test = await d.send(endpoint(`http://localhost:${port}/`, "test"), "evt_1", "{}", Date.now());
    assert.equal(test.ok, true);
    assert.equal(r.received.length, 1);
    await d.close();

    const allowed = new Dispatcher({ timeoutMs: 2000, allowPrivateTargets: true, secretBox: box, version: "0.0.0" });
    assert.equal(
      (await allowed.send(endpoint(`http://localhost:${port}/`, "live"), "evt_1", "{}", Date.now())).ok,
      true,
    );
    await allowed.close();
  });
});
