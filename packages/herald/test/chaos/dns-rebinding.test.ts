/**
 * DNS rebinding: a live endpoint's host resolves to a public address when it
 * is created and to loopback when Herald connects. The SSRF guard checks the
 * address it connects to, so the attempt fails with `ssrf_blocked` and
 * nothing reaches the loopback listener. A real DNS server on loopback,
 * named by `HERALD_DNS_SERVERS`, steers the answers.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { type ChildHerald, spawnHerald } from "../helpers/child-server.js";
import { account, call } from "../helpers/http-api.js";
import { eventually } from "../helpers/live-server.js";
import { type DnsServer, startDnsServer } from "./dns-server.js";

const ADMIN = `hat_rebind_${randomBytes(8).toString("hex")}`;
/** A public address (Cloudflare's resolver): what the hosts answer at create time. */
const PUBLIC_V4 = "1.1.1.1";

describe("DNS rebinding between the create-time check and the connect", () => {
  let dns: DnsServer;
  let h: ChildHerald;
  let acct: { id: string; liveKey: string };
  let listener: Server;
  let port = 0;
  let connections = 0;

  before(async () => {
    dns = await startDnsServer();
    // Loopback, v4 and v6 (dual stack): what a rebound host would reach if the guard let it.
    listener = createServer((s) => {
      connections++;
      s.destroy();
    });
    await new Promise<void>((res) => listener.listen(0, "::", () => res()));
    port = (listener.address() as { port: number }).port;
    h = await spawnHerald(
      [
        "--data-dir",
        mkdtempSync(join(tmpdir(), "herald-rebind-")),
        "--admin-token",
        ADMIN,
        "--retry-schedule",
        "200ms",
      ],
      { HERALD_DNS_SERVERS: dns.address },
    );
    acct = await account(h.url, ADMIN);
  });
  after(async () => {
    h.child.kill("SIGTERM");
    await h.exited;
    await dns.close();
    await new Promise<void>((res) => listener.close(() => res()));
  });

  test("a malformed HERALD_DNS_SERVERS stops the start with a message naming it", async () => {
    await assert.rejects(
      spawnHerald(["--data-dir", mkdtempSync(join(tmpdir(), "herald-rebind-"))], { HERALD_DNS_SERVERS: "dns.example" }),
      /Invalid HERALD_DNS_SERVERS 'dns\.example'/,
    );
  });

  test("the create-time check asks the configured DNS server", async () => {
    dns.records.set("private.test", { a: ["10.0.0.5"] });
    const res = await call(h.url, acct.liveKey, "POST", "/v1/webhooks", {
      url: `https://private.test:${port}/hook`,
      enabled_events: ["*"],
    });
    assert.equal(res.status, 400);
    assert.equal(res.body.error.code, "url_not_allowed");
    assert.ok(dns.asked.includes("private.test A"), `asked: ${dns.asked.join(", ")}`);
  });

  for (const [name, rebound] of [
    ["rebind-v4.test", { a: ["127.0.0.1"] }],
    ["rebind-v6.test", { aaaa: ["::1"] }],
    ["rebind-mapped.test", { aaaa: ["::ffff:127.0.0.1"] }],
  ] as const) {
    test(`${name}: public at create, ${rebound.a?.[0] ?? rebound.aaaa?.[0]} at delivery → ssrf_blocked, nothing connects`, async () => {
      dns.records.set(name, { a: [PUBLIC_V4] });
      const ep = await call(h.url, acct.liveKey, "POST", "/v1/webhooks", {
        url: `https://${name}:${port}/hook`,
        enabled_events: ["*"],
      });
      assert.equal(ep.status, 201, JSON.stringify(ep.body));

      dns.records.set(name, rebound);
      const before = connections;
      const ev = await call(
        h.url,
        ADMIN,
        "POST",
        "/v1/events",
        { type: "payment.succeeded", livemode: true, data: { object: { id: "pay_1" } } },
        { "herald-account": acct.id },
      );
      assert.equal(ev.status, 202, JSON.stringify(ev.body));
      // Both attempts (the first and the one retry) end before we look.
      const delivery = await eventually(
        async () => {
          const list = await call(h.url, acct.liveKey, "GET", `/v1/webhooks/${ep.body.id}/deliveries`);
          const d = list.body.data[0];
          return d?.status === "failed" ? d : null;
        },
        20_000,
        "the delivery to fail",
      );
      const full = await call(h.url, acct.liveKey, "GET", `/v1/deliveries/${delivery.id}`);
      const errors = (full.body.attempts as { error: string; response_status: number | null }[]).map((a) => a.error);
      assert.deepEqual(errors, ["ssrf_blocked", "ssrf_blocked"]);
      assert.ok(dns.asked.some((q) => q.startsWith(`${name} `)));
      assert.equal(connections - before, 0, "nothing reached the loopback listener");
    });
  }
});
