import type { Statements } from "./statements.js";

/** Pending deliveries of a disabled or deleted endpoint stop: cancelled, unleased. */
export function cancelPending(st: Statements, endpointId: string, now: number): void {
  st.run(
    "UPDATE deliveries SET status = 'cancelled', next_attempt_at = NULL, lease_token = NULL, updated = ? WHERE endpoint_id = ? AND status = 'pending'",
    now,
    endpointId,
  );
}
