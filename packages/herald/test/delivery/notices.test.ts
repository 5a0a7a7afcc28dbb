/**
 * Auto-disable of a failing endpoint and the operator notices it and
 * exhausted deliveries send, signed in the standard scheme.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { Webhook } from "standardwebhooks";
import { eventually, type LiveHerald, startHerald } from "../helpers/live-server.js";
import { type Receiver, startReceiver, status } from "../helpers/receiver.js";
import { createEndpoint, emit } from "./flows.js";

describe("auto-disable and operator notices", () => {
  let h: LiveHerald;
  let key: string;
  let operator: Receiver;
  let failing: Receiver;
  const operatorSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

  before(async () => {
    operator = await startReceiver();
    failing = await startReceiver(() => status(500));
    h = await startHerald(
      { retrySchedule: "50ms", operatorWebhookUrl: operator.url },
      // The contract's rule is 5 days and 20 failures; the rule is the same, the numbers are test-sized.
      {
        engine: { autoDisableAfterMs: 200, autoDisableMinFailures: 6 },
        env: { HERALD_OPERATOR_WEBHOOK_SECRET: operatorSecret },
      },
    );
    key = (await h.account()).testKey;
  });
  after(async () => {
    await h.stop();
    await operator.close();
    await failing.close();
  });

  test("exhausted deliveries and an endpoint failing for long enough are reported to the operator", async () => {
    const ep = await createEndpoint(h, key, failing.url);
    for (let i = 0; i < 2; i++) await emit(h, key);
    const exhausted = await eventually(async () => {
      const notices = operator.received.map((r) => JSON.parse(r.body));
      return notices.find((n) => n.type === "delivery.exhausted") ?? null;
    });
    assert.equal(exhausted.data.object.endpoint_id, ep.id);
    assert.equal(exhausted.data.object.attempt_count, 2);

    // Keep failing past the window: the endpoint is disabled by itself.
    const disabled = await eventually(async () => {
      await emit(h, key);
      await new Promise((r) => setTimeout(r, 100));
      const e = await h.api("GET", `/v1/webhooks/${ep.id}`, undefined, key);
      return e.body.status === "disabled" ? e.body : null;
    });
    assert.equal(disabled.disabled_reason, "failing");
    const notice = await eventually(
      async () => operator.received.find((r) => JSON.parse(r.body).type === "webhook_endpoint.disabled") ?? null,
    );
    const verified = new Webhook(operatorSecret).verify(notice.body, notice.headers as Record<string, string>) as {
      data: { object: { id: string; disabled_reason: string } };
    };
    assert.equal(verified.data.object.id, ep.id);
    assert.equal(verified.data.object.disabled_reason, "failing");
  });
});
