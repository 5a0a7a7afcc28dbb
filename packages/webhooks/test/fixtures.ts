import assert from "node:assert/strict";
import type { WebhookVerificationErrorCode } from "../src/index.js";
import { WebhookVerificationError } from "../src/index.js";

/** A fixed secret so failures reproduce; base64 of 32 bytes like generateSecret() makes. */
export const SECRET = "whsec_MSNVuugxDi7usD+gBBqVdIGKNyvWYPL/ZuB1Ie84irs=";
/** A second secret for rotation tests. */
export const OLD_SECRET = "whsec_p66xQHmzFkZewJQtXD1xxtS5dia6mQv5ONyQguslgYE=";

/** A fixed "now" in unix seconds, passed to verify() through its `now` option. */
export const NOW = 1_764_000_000;

/**
 * A delivery body with deliberate whitespace, so a body parsed and serialised again by
 * JSON.stringify no longer matches its signature.
 */
export const BODY = `{"id": "evt_1Qa2b3", "object": "event", "type": "payment.succeeded", "created": ${NOW},
 "livemode": false, "data": {"object": {"id": "pay_9z8y", "amount": 2999, "currency": "usd", "status": "succeeded", "note": "café ☕"}}}`;

export const EVENT_ID = "evt_1Qa2b3";

/** The current unix time, for libraries (standardwebhooks) that always read the real clock. */
export function realNow(): number {
  return Math.floor(Date.now() / 1000);
}

/** Asserts that `run` throws a WebhookVerificationError with `code`. */
export function assertRejects(run: () => unknown, code: WebhookVerificationErrorCode): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof WebhookVerificationError, `expected a WebhookVerificationError`);
    assert.equal(error.code, code);
    assert.equal(error.name, "WebhookVerificationError");
    return true;
  });
}
