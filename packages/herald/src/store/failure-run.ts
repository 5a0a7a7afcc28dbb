import type { DeliveryOutcome, HealthPolicy } from "./store.js";

/** An endpoint's run of failed attempts, as both backends keep it in `endpoints`. */
export interface FailureRun {
  failures: number;
  /** When the run began; null after a success. */
  failingSince: number | null;
}

/**
 * Applies one outcome, in the order it happened, to the endpoint's run: a
 * success ends it, a failure extends it. Returns why the endpoint should be
 * disabled now — `gone` (a 410) or `failing` (the policy's length and
 * duration) — or null. Whether a disable applies (the endpoint is still
 * enabled) is the caller's to decide. The one statement of the rule for
 * both backends (sqlite/health.ts, postgres/record.ts).
 */
export function extendFailureRun(
  run: FailureRun,
  o: DeliveryOutcome,
  policy: HealthPolicy,
  now: number,
): "gone" | "failing" | null {
  if (o.result.kind === "succeeded") {
    run.failures = 0;
    run.failingSince = null;
    return null;
  }
  run.failures += 1;
  run.failingSince ??= o.attempt.attemptedAt;
  if (o.gone) return "gone";
  const long = run.failures >= policy.minConsecutiveFailures && now - run.failingSince >= policy.failingForMs;
  return long ? "failing" : null;
}
