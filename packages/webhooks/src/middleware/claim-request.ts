import type { ServerResponse } from "node:http";
import { WEBHOOK_ID_HEADER } from "../header-names.js";
import { type HeadersLike, headerValue } from "../headers.js";
import type { WebhookIdempotency } from "../idempotency/idempotency.js";
import { type Answer, DUPLICATE_ANSWER, IN_PROGRESS_ANSWER } from "./rejection.js";

/**
 * Claims a verified event for this request. Answers the duplicate or in-progress reply to
 * send instead of running the handler, or undefined when the handler should run; the claim
 * is then completed when the response finishes with a 2xx and released otherwise (a non-2xx,
 * or the connection closing before the answer).
 *
 * The key is the event id from the verified body, which every scheme's signature covers; it
 * equals `webhook-id`, which the `hmac` schemes send unsigned. The header is the fallback for
 * a body without an id.
 */
export async function claimForResponse(
  idempotency: WebhookIdempotency,
  event: unknown,
  headers: HeadersLike,
  response: ServerResponse,
): Promise<Answer | undefined> {
  const bodyId = (event as { id?: unknown } | null)?.id;
  const id = typeof bodyId === "string" && bodyId.length > 0 ? bodyId : headerValue(headers, WEBHOOK_ID_HEADER);
  if (id === undefined) return undefined;
  const claim = await idempotency.claim(id);
  if (claim.status === "duplicate") return DUPLICATE_ANSWER;
  if (claim.status === "in_progress") return IN_PROGRESS_ANSWER;
  let settled = false;
  // A store that fails here cannot be helped by the request that already got its answer; at
  // worst the id is not remembered and a redelivery runs again (at-least-once, as before).
  const ignore = (): void => {};
  response.once("finish", () => {
    if (settled) return;
    settled = true;
    const ok = response.statusCode >= 200 && response.statusCode < 300;
    (ok ? claim.complete() : claim.release()).catch(ignore);
  });
  response.once("close", () => {
    if (settled) return;
    settled = true;
    claim.release().catch(ignore);
  });
  return undefined;
}
