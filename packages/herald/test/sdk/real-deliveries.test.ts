/**
 * @herald/webhooks verify() on real deliveries from a running Herald, in
 * every scheme: it accepts them exactly as received and rejects every kind
 * of forgery or mishandling a receiver meets.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { SIGNATURE_SCHEMES, type SignatureScheme, verify, WebhookVerificationError } from "@herald/webhooks";
import { type LiveHerald, startHerald } from "../helpers/live-server.js";
import { type Receiver, startReceiver } from "../helpers/receiver.js";
import { type Delivered, deliverOne, signedTimestamp, verifyOptions } from "./deliveries.js";

const OTHER_SECRET = "whsec_p66xQHmzFkZewJQtXD1xxtS5dia6mQv5ONyQguslgYE=";

function rejects(run: () => unknown, code: string): void {
  assert.throws(run, (error: unknown) => error instanceof WebhookVerificationError && error.code === code);
}

/** A re-serialisation as another stack would do it: keys sorted (Go maps, canonical JSON), indented. */
function reserialised(body: string): string {
  const sort = (value: unknown): unknown =>
    Array.isArray(value)
      ? value.map(sort)
      : value !== null && typeof value === "object"
        ? Object.fromEntries(
            Object.keys(value)
              .sort()
              .map((k) => [k, sort((value as Record<string, unknown>)[k])]),
          )
        : value;
  return JSON.stringify(sort(JSON.parse(body)), null, 2);
}

describe("the SDK on real deliveries", () => {
  let h: LiveHerald;
  let key: string;
  let receiver: Receiver;
  const delivered = new Map<SignatureScheme, Delivered>();

  before(async () => {
    h = await startHerald();
    key = (await h.account()).testKey;
    receiver = await startReceiver();
    for (const scheme of SIGNATURE_SCHEMES) delivered.set(scheme, await deliverOne(h, key, receiver, scheme));
  });
  after(async () => {
    await receiver.close();
    await h.stop();
  });

  for (const scheme of SIGNATURE_SCHEMES) {
    describe(scheme, () => {
      const get = () => delivered.get(scheme) as Delivered;

      test("verifies the delivery as received, as text and as bytes, with and without naming the scheme", () => {
        const { secret, eventId, received } = get();
        const event = verify(received.body, received.headers, secret, verifyOptions(scheme));
        assert.equal(event.id, eventId);
        assert.equal(event.type, "payment.succeeded");
        assert.equal(event.data.object.note, "café ☕ \u2028 <b>");
        assert.equal(received.headers["webhook-id"], eventId);
        const bytes = Buffer.from(received.body, "utf8");
        assert.equal(verify(bytes, received.headers, secret, verifyOptions(scheme)).id, eventId);
        const { scheme: _named, ...detected } = verifyOptions(scheme);
        assert.equal(verify(received.body, received.headers, secret, detected).id, eventId);
      });

      test("rejects a tampered body and a wrong secret (bad_signature)", () => {
        const { secret, received } = get();
        const tampered = received.body.replace('"amount":2999', '"amount":1');
        assert.notEqual(tampered, received.body);
        rejects(() => verify(tampered, received.headers, secret, verifyOptions(scheme)), "bad_signature");
        rejects(() => verify(`${received.body} `, received.headers, secret, verifyOptions(scheme)), "bad_signature");
        rejects(() => verify(received.body, received.headers, OTHER_SECRET, verifyOptions(scheme)), "bad_signature");
      });

      test("rejects the body once a JSON parser re-serialised it", () => {
        const { secret, received } = get();
        const again = reserialised(received.body);
        assert.deepEqual(JSON.parse(again), JSON.parse(received.body), "the same data…");
        rejects(() => verify(again, received.headers, secret, verifyOptions(scheme)), "bad_signature");
      });

      test("rejects a request without its signature headers (missing_headers)", () => {
        const { secret, received } = get();
        const signatureHeaders = ["webhook-signature", "stripe-signature", "payment-signature", "webhook-timestamp"];
        const stripped = Object.fromEntries(
          Object.entries(received.headers).filter(([name]) => !signatureHeaders.includes(name)),
        );
        rejects(() => verify(received.body, stripped, secret, verifyOptions(scheme)), "missing_headers");
        rejects(() => verify(received.body, stripped, secret), "missing_headers");
      });

      if (scheme === "hmac") {
        test("signs no timestamp: replays are caught by de-duplicating on webhook-id instead", () => {
          const { secret, received } = get();
          const later = () => Math.floor(Date.now() / 1000) + 86_400;
          assert.ok(verify(received.body, received.headers, secret, { ...verifyOptions(scheme), now: later }));
        });
      } else {
        test("rejects stale and future timestamps beyond the tolerance", () => {
          const { secret, received } = get();
          const ts = signedTimestamp(scheme, received.headers) as number;
          assert.ok(Math.abs(ts - Date.now() / 1000) < 60, "signed just now");
          const at = (now: number, toleranceSeconds = 300) => ({
            ...verifyOptions(scheme),
            now: () => now,
            toleranceSeconds,
          });
          rejects(() => verify(received.body, received.headers, secret, at(ts + 301)), "timestamp_too_old");
          rejects(() => verify(received.body, received.headers, secret, at(ts - 301)), "timestamp_too_new");
          assert.ok(verify(received.body, received.headers, secret, at(ts + 300)));
          rejects(() => verify(received.body, received.headers, secret, at(ts + 11, 10)), "timestamp_too_old");
        });
      }
    });
  }
});
