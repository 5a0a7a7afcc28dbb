/**
 * Endpoint writes. Each takes, in this order, the endpoint's row lock, the
 * exclusive scope lock (locks.ts) and then delivery rows: the lock order of
 * record.ts, so an edit and an outcome batch cannot deadlock; and while
 * the scope lock is held no ingest of the account and mode reads the
 * endpoints, so a fan-out never races a change of them.
 */
import type { PoolClient } from "pg";
import { conflict, invalid } from "../../domain/errors.js";
import type { Endpoint, Scope } from "../../domain/types.js";
import type { EndpointPatch, NewEndpoint } from "../store.js";
import { cancelPending, setLimited } from "./cancel-pending.js";
import { LOCK_SCOPES_SQL, scopeKey } from "./locks.js";
import { ENDPOINT_COLUMNS, endpointValues, isLimited, toEndpoint } from "./rows.js";

/** The endpoint limit and URL uniqueness hold under concurrent creates: the scope lock serialises them. */
export async function createEndpoint(c: PoolClient, endpoint: NewEndpoint, limitPerScope: number): Promise<Endpoint> {
  await c.query(LOCK_SCOPES_SQL, [[scopeKey(endpoint.accountId, endpoint.mode)]]);
  const n = Number(
    (
      await c.query("SELECT count(*) AS n FROM endpoints WHERE account_id = $1 AND mode = $2 AND deleted_at IS NULL", [
        endpoint.accountId,
        endpoint.mode,
      ])
    ).rows[0]?.n,
  );
  if (n >= limitPerScope) {
    throw invalid(
      "endpoint_limit_reached",
      `An account may have at most ${limitPerScope} endpoints per mode; delete one first.`,
    );
  }
  await assertUrlFree(c, endpoint.accountId, endpoint.mode, endpoint.url, null);
  const placeholders = ENDPOINT_COLUMNS.map((_, i) => `$${i + 1}`).join(", ");
  const r = await c.query(
    `INSERT INTO endpoints (${ENDPOINT_COLUMNS.join(", ")}) VALUES (${placeholders}) RETURNING *`,
    endpointValues(endpoint),
  );
  return toEndpoint(r.rows[0]);
}

export async function updateEndpoint(
  c: PoolClient,
  scope: Scope,
  id: string,
  patch: EndpointPatch,
  now: number,
): Promise<Endpoint | null> {
  const current = await lockEndpoint(c, scope, id);
  if (current === null) return null;
  await c.query(LOCK_SCOPES_SQL, [[scopeKey(scope.accountId, scope.mode)]]);
  if (patch.url !== undefined && patch.url !== current.url)
    await assertUrlFree(c, scope.accountId, scope.mode, patch.url, id);
  const next: Endpoint = { ...current, ...stripUndefined(patch), updated: now };
  if (patch.status === "enabled" && current.status !== "enabled") {
    // A fresh start: the failure run that disabled it is forgiven.
    next.consecutiveFailures = 0;
    next.failingSince = null;
    next.disabledReason = null;
  }
  await c.query(
    `UPDATE endpoints SET url = $2, enabled_events = $3, status = $4, disabled_reason = $5, description = $6,
       metadata = $7, rate_limit = $8, max_in_flight = $9, secrets = $10, consecutive_failures = $11,
       failing_since = $12, updated = $13
     WHERE id = $1`,
    [
      id,
      next.url,
      JSON.stringify(next.enabledEvents),
      next.status,
      next.disabledReason,
      next.description,
      JSON.stringify(next.metadata),
      next.rateLimit,
      next.maxInFlight,
      JSON.stringify(next.secrets),
      next.consecutiveFailures,
      next.failingSince,
      now,
    ],
  );
  if (next.status === "disabled" && current.status !== "disabled") await cancelPending(c, id, now);
  else if (isLimited(next) !== isLimited(current)) await setLimited(c, id, isLimited(next));
  return next;
}

/** Soft delete: the endpoint disappears, its pending deliveries are cancelled, its URL is free again. */
export async function deleteEndpoint(c: PoolClient, scope: Scope, id: string, now: number): Promise<boolean> {
  if ((await lockEndpoint(c, scope, id)) === null) return false;
  await c.query(LOCK_SCOPES_SQL, [[scopeKey(scope.accountId, scope.mode)]]);
  await c.query(
    "UPDATE endpoints SET deleted_at = $2, status = 'disabled', disabled_reason = 'deleted', updated = $2 WHERE id = $1",
    [id, now],
  );
  await cancelPending(c, id, now);
  return true;
}

async function lockEndpoint(c: PoolClient, scope: Scope, id: string): Promise<Endpoint | null> {
  const r = await c.query(
    "SELECT * FROM endpoints WHERE id = $1 AND account_id = $2 AND mode = $3 AND deleted_at IS NULL FOR UPDATE",
    [id, scope.accountId, scope.mode],
  );
  return r.rows[0] === undefined ? null : toEndpoint(r.rows[0]);
}

async function assertUrlFree(
  c: PoolClient,
  accountId: string,
  mode: string,
  url: string,
  exceptId: string | null,
): Promise<void> {
  const taken = await c.query(
    `SELECT 1 FROM endpoints WHERE account_id = $1 AND mode = $2 AND url = $3 AND deleted_at IS NULL
       AND id IS DISTINCT FROM $4`,
    [accountId, mode, url, exceptId],
  );
  if (taken.rowCount !== 0) throw conflict("url_taken", `An endpoint with the URL ${url} already exists.`, "url");
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
