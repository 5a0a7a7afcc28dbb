import { WebhookVerificationError } from "./errors.js";

// Unix seconds as plain digits; 1 to 15 digits keeps the number a safe integer.
const UNIX_SECONDS = /^\d{1,15}$/;

/**
 * Parses a timestamp header (unix seconds).
 *
 * @throws WebhookVerificationError `missing_headers` when the value is absent or not digits
 */
export function parseTimestamp(value: string | undefined, headerName: string): number {
  const trimmed = value?.trim();
  if (trimmed === undefined || !UNIX_SECONDS.test(trimmed)) {
    throw new WebhookVerificationError(
      "missing_headers",
      `the ${headerName} header is missing or not a unix timestamp`,
    );
  }
  return Number(trimmed);
}

/**
 * Rejects a timestamp outside `now ± toleranceSeconds`.
 *
 * Called only after the signature matched, so a tolerance error always means a genuine
 * delivery that is stale (a replay, a long queue) or a skewed clock, never a forgery.
 */
export function assertWithinTolerance(timestamp: number, nowSeconds: number, toleranceSeconds: number): void {
  if (nowSeconds - timestamp > toleranceSeconds) {
    throw new WebhookVerificationError(
      "timestamp_too_old",
      `the webhook timestamp ${timestamp} is more than ${toleranceSeconds}s in the past`,
    );
  }
  if (timestamp - nowSeconds > toleranceSeconds) {
    throw new WebhookVerificationError(
      "timestamp_too_new",
      `the webhook timestamp ${timestamp} is more than ${toleranceSeconds}s in the future`,
    );
  }
}
