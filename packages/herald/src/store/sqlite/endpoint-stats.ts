import type { EndpointStats } from "../../domain/endpoint-stats.js";
import type { Scope } from "../../domain/types.js";
import type { Row } from "../rows.js";
import { toEndpointStats } from "../stats-rows.js";
import { firstSeqSince } from "./first-seq-since.js";
import type { Statements } from "./statements.js";

/**
 * One statement: the deliveries created since `since` (deliveries_endpoint,
 * from the first `seq` of that time on: first-seq-since.ts), their attempts
 * made since then (attempts_delivery), and the newest delivery
 * (deliveries_endpoint, read backwards).
 */
const SQL = `WITH d AS (
    SELECT id, status FROM deliveries
    WHERE endpoint_id = @endpoint AND seq >= @from AND account_id = @account AND mode = @mode AND created >= @since
  ), a AS (
    SELECT a.attempted_at / 3600000 AS hour, a.duration_ms, a.response_status
    FROM d JOIN attempts a ON a.delivery_id = d.id
    WHERE a.attempted_at >= @since
  )
  SELECT 'status' AS kind, status AS key, NULL AS status, NULL AS hour, COUNT(*) AS n,
    NULL AS ok, NULL AS avg_ms, NULL AS max_ms, NULL AS created
  FROM d GROUP BY status
  UNION ALL
  SELECT 'hour', NULL, NULL, hour, COUNT(*), SUM(response_status BETWEEN 200 AND 299),
    AVG(duration_ms), MAX(duration_ms), NULL
  FROM a GROUP BY hour
  UNION ALL
  SELECT 'last', id, status, NULL, NULL, NULL, NULL, NULL, created FROM (
    SELECT id, status, created FROM deliveries
    WHERE endpoint_id = @endpoint AND account_id = @account AND mode = @mode
    ORDER BY seq DESC LIMIT 1
  )`;

export function endpointStats(st: Statements, scope: Scope, endpointId: string, since: number): EndpointStats {
  const from = firstSeqSince(st, since);
  const rows = st.all(SQL, { endpoint: endpointId, account: scope.accountId, mode: scope.mode, since, from }) as Row[];
  return toEndpointStats(rows);
}
