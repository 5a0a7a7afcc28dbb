import type { Pool } from "pg";
import type { EndpointStats } from "../../domain/endpoint-stats.js";
import type { Scope } from "../../domain/types.js";
import { toEndpointStats } from "../stats-rows.js";

/**
 * One statement: the deliveries created since `since` (index
 * deliveries_created_brin or deliveries_endpoint), their attempts made since then (attempts_delivery),
 * and the newest delivery (deliveries_endpoint, read backwards).
 */
const SQL = `WITH d AS (
    SELECT id, status FROM deliveries
    WHERE endpoint_id = $1 AND account_id = $2 AND mode = $3 AND created >= $4
  ), a AS (
    SELECT a.attempted_at / 3600000 AS hour, a.duration_ms, a.response_status
    FROM d JOIN attempts a ON a.delivery_id = d.id
    WHERE a.attempted_at >= $4
  )
  SELECT 'status' AS kind, status AS key, NULL::text AS status, NULL::bigint AS hour, COUNT(*) AS n,
    NULL::bigint AS ok, NULL::numeric AS avg_ms, NULL::bigint AS max_ms, NULL::bigint AS created
  FROM d GROUP BY status
  UNION ALL
  SELECT 'hour', NULL, NULL, hour, COUNT(*), COUNT(*) FILTER (WHERE response_status BETWEEN 200 AND 299),
    AVG(duration_ms), MAX(duration_ms), NULL
  FROM a GROUP BY hour
  UNION ALL
  (SELECT 'last', id, status, NULL, NULL, NULL, NULL, NULL, created FROM deliveries
   WHERE endpoint_id = $1 AND account_id = $2 AND mode = $3
   ORDER BY seq DESC LIMIT 1)`;

export async function endpointStats(
  pool: Pool,
  scope: Scope,
  endpointId: string,
  since: number,
): Promise<EndpointStats> {
  const r = await pool.query(SQL, [endpointId, scope.accountId, scope.mode, since]);
  return toEndpointStats(r.rows);
}
