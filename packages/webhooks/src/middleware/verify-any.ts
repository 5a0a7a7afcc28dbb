import { WebhookVerificationError } from "../errors.js";
import type { WebhookEvent } from "../event.js";
import type { HeadersLike } from "../headers.js";
import { type VerifyOptions, verify } from "../verify.js";

/**
 * {@link verify} with one or several secrets: the first that matches wins. Only a
 * `bad_signature` moves on to the next secret; any other rejection (missing headers, a stale
 * timestamp) is the same for every secret and is thrown at once.
 */
export function verifyWithAnySecret<T = WebhookEvent>(
  rawBody: string | Uint8Array,
  headers: HeadersLike,
  secret: string | readonly string[],
  options: VerifyOptions = {},
): T {
  const secrets = typeof secret === "string" ? [secret] : secret;
  if (secrets.length === 0) throw new TypeError("at least one signing secret is required");
  let rejection: unknown;
  for (const candidate of secrets) {
    try {
      return verify<T>(rawBody, headers, candidate, options);
    } catch (error) {
      if (!(error instanceof WebhookVerificationError && error.code === "bad_signature")) throw error;
      rejection = error;
    }
  }
  throw rejection;
}
