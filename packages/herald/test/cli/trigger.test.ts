/** `herald trigger TYPE`: every catalogue type reaches a subscribed endpoint. */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { verify } from "@herald/webhooks";
import { BUILTIN_EVENT_TYPES } from "../../src/domain/event-types.js";
import { runCli } from "../helpers/cli.js";
import { type LiveHerald, startHerald } from "../helpers/live-server.js";
import { type Receiver, startReceiver } from "../helpers/receiver.js";

describe("herald trigger", () => {
  let h: LiveHerald;
  let key: string;
  let receiver: Receiver;
  let secret: string;
  const cli = (...args: string[]) => runCli([...args, "--api-key", key, "--url", h.url]);

  before(async () => {
    h = await startHerald();
    key = (await h.account()).testKey;
    receiver = await startReceiver();
    const endpoint = await h.api("POST", "/v1/webhooks", { url: receiver.url, enabled_events: ["*"] }, key);
    assert.equal(endpoint.status, 201);
    secret = endpoint.body.secret;
  });
  after(async () => {
    await receiver.close();
    await h.stop();
  });

  test("emits a sample event of every catalogue type, which the subscribed endpoint receives", async () => {
    const types = BUILTIN_EVENT_TYPES.map((t) => t.name);
    const printed = new Map<string, string>();
    for (let i = 0; i < types.length; i += 5) {
      await Promise.all(
        types.slice(i, i + 5).map(async (type) => {
          const run = await cli("trigger", type);
          assert.equal(run.code, 0, run.stderr);
          const match = /^Triggered (\S+): (evt_\S+)$/m.exec(run.stdout);
          assert.equal(match?.[1], type);
          printed.set(match?.[2] as string, type);
        }),
      );
    }
    const hits = await receiver.waitFor(types.length);
    const received = new Map<string, string>();
    for (const hit of hits) {
      const event = verify<{ id: string; type: string; livemode: boolean; data: { object: Record<string, unknown> } }>(
        hit.body,
        hit.headers,
        secret,
      );
      assert.equal(event.livemode, false);
      assert.match(String(event.data.object.id), /^[a-z]+_\w+$/, `${event.type} has a realistic object`);
      received.set(event.id, event.type);
    }
    assert.deepEqual(received, printed);
  });

  test("--json prints the event", async () => {
    const run = await cli("trigger", "refund.created", "--json");
    assert.equal(run.code, 0, run.stderr);
    const event = JSON.parse(run.stdout);
    assert.equal(event.type, "refund.created");
    assert.equal(event.data.object.object, "refund");
  });

  test("an unknown type fails with the list of known types", async () => {
    const run = await cli("trigger", "payment.exploded");
    assert.equal(run.code, 1);
    assert.match(run.stderr, /Unknown event type 'payment\.exploded'\. Known types:/);
    for (const type of ["payment.succeeded", "service.created"]) assert.ok(run.stderr.includes(`  ${type}\n`));
  });

  test("a live key gets the API's error", async () => {
    const acct = await h.account("Live");
    const run = await runCli(["trigger", "payment.succeeded", "--api-key", acct.liveKey, "--url", h.url]);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /^herald: .*\(test_mode_only, HTTP 403\)$/m);
  });
});
