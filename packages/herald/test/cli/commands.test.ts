/**
 * The resource commands (webhooks, events, deliveries) against a real
 * server: tables for people, JSON for scripts, the API's errors with a
 * non-zero exit.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { type CliRun, runCli } from "../helpers/cli.js";
import { eventually, type LiveHerald, startHerald } from "../helpers/live-server.js";
import { type Receiver, startReceiver } from "../helpers/receiver.js";

describe("client commands", () => {
  let h: LiveHerald;
  let key: string;
  let receiver: Receiver;
  let endpointId: string;
  let eventId: string;
  const cli = (...args: string[]) => runCli([...args, "--api-key", key, "--url", h.url]);
  const ok = (run: CliRun): string => {
    assert.equal(run.code, 0, `stdout: ${run.stdout}\nstderr: ${run.stderr}`);
    return run.stdout;
  };

  before(async () => {
    h = await startHerald();
    key = (await h.account()).testKey;
    receiver = await startReceiver();
  });
  after(async () => {
    await receiver.close();
    await h.stop();
  });

  test("webhooks create prints the endpoint and its secret once", async () => {
    const out = ok(await cli("webhooks", "create", receiver.url, "--events", "payment.*,refund.created"));
    const id = /^id:\s+(we_\S+)$/m.exec(out)?.[1];
    assert.ok(id, out);
    endpointId = id;
    assert.match(out, new RegExp(`^url:\\s+${receiver.url}$`, "m"));
    assert.match(out, /^enabled_events:\s+payment\.\*, refund\.created$/m);
    assert.match(out, /^Signing secret \(shown once, keep it\): whsec_\S+$/m);

    const json = JSON.parse(
      ok(
        await cli("webhooks", "create", `${receiver.url}/other`, "--scheme", "stripe", "--description", "x", "--json"),
      ),
    );
    assert.equal(json.object, "webhook_endpoint");
    assert.equal(json.signature_scheme, "stripe");
    assert.match(json.secret, /^whsec_/);
  });

  test("webhooks list shows id, url, status and events; --json is the API's list", async () => {
    const out = ok(await cli("webhooks", "list"));
    assert.match(out, /^ID\s+URL\s+STATUS\s+SCHEME\s+EVENTS\s+CREATED$/m);
    const row = out.split("\n").find((l) => l.startsWith(endpointId));
    assert.ok(row, out);
    assert.match(
      row,
      new RegExp(`${receiver.url}\\s+enabled\\s+standard\\s+payment\\.\\*,refund\\.created\\s+\\d{4}-`),
    );
    const json = JSON.parse(ok(await cli("webhooks", "list", "--json", "--limit", "1")));
    assert.equal(json.object, "list");
    assert.equal(json.data.length, 1);
    assert.equal(json.has_more, true);
    assert.match(ok(await cli("webhooks", "list", "--limit", "1")), /… more: add --starting-after we_\S+/);
  });

  test("webhooks disable and enable", async () => {
    assert.match(ok(await cli("webhooks", "disable", endpointId)), new RegExp(`^${endpointId} disabled \\(`));
    assert.equal((await h.api("GET", `/v1/webhooks/${endpointId}`, undefined, key)).body.status, "disabled");
    const json = JSON.parse(ok(await cli("webhooks", "enable", endpointId, "--json")));
    assert.equal(json.status, "enabled");
  });

  test("events list shows id, type and the object", async () => {
    const emitted = await h.api(
      "POST",
      "/v1/events",
      { type: "payment.succeeded", data: { object: { id: "pay_cli_1", amount: 100 } } },
      key,
    );
    eventId = emitted.body.id;
    await receiver.waitFor(1);
    const out = ok(await cli("events", "list"));
    assert.match(out, /^ID\s+TYPE\s+OBJECT\s+CREATED$/m);
    assert.match(out, new RegExp(`^${eventId}\\s+payment\\.succeeded\\s+pay_cli_1\\s+\\d{4}-`, "m"));
    const json = JSON.parse(ok(await cli("events", "list", "--type", "payment.*", "--json")));
    assert.equal(json.data[0].id, eventId);
  });

  test("deliveries list shows each delivery's event, endpoint, status and attempts", async () => {
    const delivered = await eventually(async () => {
      const list = JSON.parse(
        ok(await cli("deliveries", "list", "--event", eventId, "--endpoint", endpointId, "--json")),
      );
      return list.data[0]?.status === "succeeded" && list.data[0];
    });
    const out = ok(await cli("deliveries", "list", "--endpoint", endpointId));
    assert.match(out, /^ID\s+EVENT\s+TYPE\s+ENDPOINT\s+STATUS\s+ATTEMPTS\s+LAST\s+CREATED$/m);
    assert.match(
      out,
      new RegExp(
        `^${delivered.id}\\s+${eventId}\\s+payment\\.succeeded\\s+${endpointId}\\s+succeeded\\s+1/8\\s+200\\s`,
        "m",
      ),
    );
    assert.equal(ok(await cli("deliveries", "list", "--status", "failed")).trim(), "(none)");
  });

  test("events resend queues a new attempt for every delivery of the event", async () => {
    const before = receiver.received.length;
    // Two deliveries: the endpoint above and the `*` one created with --json.
    const out = ok(await cli("events", "resend", eventId));
    assert.match(out, new RegExp(`^dlv_\\S+ → ${endpointId}: resent$`, "m"));
    assert.equal(out.trim().split("\n").length, 2, out);
    await receiver.waitFor(before + 2);
    const json = JSON.parse(ok(await cli("events", "resend", eventId, "--json")));
    assert.equal(json.data.length, 2);
    assert.deepEqual(json.failed, []);
  });

  test("webhooks delete", async () => {
    assert.equal(ok(await cli("webhooks", "delete", endpointId)).trim(), `${endpointId} deleted`);
    assert.ok(!ok(await cli("webhooks", "list")).includes(endpointId));
    // Its deliveries stay, but there is nowhere to resend them: the API's 409, exit 1.
    const run = await cli("events", "resend", eventId);
    assert.equal(run.code, 1);
    assert.match(run.stdout, /not resent: .*\(endpoint_disabled, HTTP 409\)/);
  });

  test("errors: the API's message and code, or what is missing, and exit code 1", async () => {
    const missing = await cli("webhooks", "disable", "we_doesnotexist");
    assert.equal(missing.code, 1);
    assert.match(
      missing.stderr,
      /^herald: No such webhook endpoint.*we_doesnotexist.*\(resource_missing, HTTP 404\)$/m,
    );
    const noEvent = await cli("events", "resend", "evt_doesnotexist");
    assert.match(noEvent.stderr, /\(resource_missing, HTTP 404\)/);

    const noKey = await runCli(["webhooks", "list", "--url", h.url]);
    assert.equal(noKey.code, 1);
    assert.match(noKey.stderr, /No API key: pass --api-key/);
    const badKey = await runCli(["webhooks", "list", "--url", h.url, "--api-key", "sk_test_wrong"]);
    assert.match(badKey.stderr, /\(invalid_api_key, HTTP 401\)/);
    const down = await runCli(["events", "list", "--api-key", key, "--url", "http://127.0.0.1:9"]);
    assert.equal(down.code, 1);
    assert.match(down.stderr, /Cannot reach Herald at http:\/\/127\.0\.0\.1:9 \(ECONNREFUSED\)/);
  });

  test("HERALD_API_KEY and HERALD_URL stand in for the flags", async () => {
    const run = await runCli(["webhooks", "list", "--json"], { HERALD_API_KEY: key, HERALD_URL: h.url });
    assert.equal(JSON.parse(ok(run)).object, "list");
  });
});
