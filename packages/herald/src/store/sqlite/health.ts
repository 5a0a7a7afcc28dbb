import type { Endpoint } from "../../domain/types.js";
import { extendFailureRun, type FailureRun } from "../failure-run.js";
import type { DeliveryOutcome, HealthPolicy } from "../store.js";
import { cancelPending } from "./cancel-pending.js";
import { toEndpoint } from "./rows.js";
import type { Statements } from "./statements.js";

/**
 * Endpoint health for one endpoint's outcomes of a batch, in the order they
 * happened: a success resets the failure run, a failure extends it, and a
 * 410 or a run long enough (the policy) disables the endpoint. The run is
 * replayed in memory and written once, so a batch of hundreds of outcomes
 * costs one statement per endpoint instead of one per outcome.
 *
 * Returns the endpoint when this batch disabled it.
 */
export function applyHealth(
  st: Statements,
  endpointId: string,
  outcomes: readonly DeliveryOutcome[],
  policy: HealthPolicy,
  now: number,
): Endpoint | null {
  if (outcomes.every((o) => o.result.kind === "succeeded")) {
    st.run(
      "UPDATE endpoints SET consecutive_failures = 0, failing_since = NULL WHERE id = ? AND consecutive_failures > 0",
      endpointId,
    );
    return null;
  }
  const row = st.get(
    "SELECT consecutive_failures, failing_since, status, deleted_at FROM endpoints WHERE id = ?",
    endpointId,
  );
  if (row === undefined) return null;
  const run: FailureRun = {
    failures: Number(row.consecutive_failures),
    failingSince: row.failing_since === null ? null : Number(row.failing_since),
  };
  let reason: string | null = null;
  const eligible = row.status === "enabled" && row.deleted_at === null;
  for (const o of outcomes) {
    const disable = extendFailureRun(run, o, policy, now);
    if (eligible) reason ??= disable;
  }
  const { failures, failingSince } = run;
  if (reason === null) {
    st.run(
      "UPDATE endpoints SET consecutive_failures = ?, failing_since = ? WHERE id = ?",
      failures,
      failingSince,
      endpointId,
    );
    return null;
  }
  const disabled = st.get(
    `UPDATE endpoints SET consecutive_failures = ?, failing_since = ?, status = 'disabled', disabled_reason = ?, updated = ?
     WHERE id = ? RETURNING *`,
    failures,
    failingSince,
    reason,
    now,
    endpointId,
  );
  cancelPending(st, endpointId, now);
  return disabled === undefined ? null : toEndpoint(disabled);
}
