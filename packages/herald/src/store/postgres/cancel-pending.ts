import type { PoolClient } from "pg";

/**
 * Pending deliveries of a disabled or deleted endpoint stop: cancelled,
 * unleased. Rows are locked in id order, the order every multi-row writer
 * of deliveries uses, so this cannot deadlock with a renewal or a record.
 */
export async function cancelPending(c: PoolClient, endpointId: string, now: number): Promise<void> {
  await c.query(
    `UPDATE deliveries d SET status = 'cancelled', next_attempt_at = NULL, lease_token = NULL, updated = $2
     FROM (SELECT id FROM deliveries WHERE endpoint_id = $1 AND status = 'pending' ORDER BY id FOR UPDATE) x
     WHERE d.id = x.id`,
    [endpointId, now],
  );
}

/** Keeps `deliveries.limited` equal to the endpoint's settings when they change (see claim.ts). */
export async function setLimited(c: PoolClient, endpointId: string, limited: boolean): Promise<void> {
  await c.query(
    `UPDATE deliveries d SET limited = $2
     FROM (SELECT id FROM deliveries WHERE endpoint_id = $1 AND status = 'pending' ORDER BY id FOR UPDATE) x
     WHERE d.id = x.id`,
    [endpointId, limited],
  );
}
