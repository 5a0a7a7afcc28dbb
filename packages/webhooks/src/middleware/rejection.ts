import { WebhookVerificationError } from "../errors.js";
import { WebhookRequestError } from "./raw-body.js";

/** A JSON answer the middleware sends itself. */
export interface Answer {
  status: number;
  body: { received: true; duplicate?: true } | { error: { code: string; message: string } };
}

/**
 * The answer to a request that failed verification, or undefined for any other error (which
 * the framework's own error handling should see).
 *
 * A failed verification is a 400: the sender (or a forger) sent something that must not be
 * trusted, and a retry of the same bytes fails the same way. A body that verified but is not
 * JSON is a 400 too.
 */
export function rejectionAnswer(error: unknown): Answer | undefined {
  if (error instanceof WebhookVerificationError) {
    return { status: 400, body: { error: { code: error.code, message: error.message } } };
  }
  if (error instanceof WebhookRequestError && error.code === "body_too_large") {
    return { status: error.status, body: { error: { code: error.code, message: error.message } } };
  }
  if (error instanceof SyntaxError) {
    return { status: 400, body: { error: { code: "invalid_json", message: "the webhook body is not JSON" } } };
  }
  return undefined;
}

export const DUPLICATE_ANSWER: Answer = { status: 200, body: { received: true, duplicate: true } };

export const IN_PROGRESS_ANSWER: Answer = {
  status: 409,
  body: {
    error: {
      code: "in_progress",
      message: "this event is being handled by another request; retry later",
    },
  },
};
