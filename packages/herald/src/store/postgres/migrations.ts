/**
 * Numbered, forward-only migrations. `herald_migrations` records which have
 * run (see migrate.ts); a migration is never edited once released, a change
 * is a new entry at the end.
 *
 * Same tables, columns and meanings as the SQLite schema: times are BIGINT
 * unix ms, `seq` orders lists, JSON columns hold the JSON text as written
 * (so the event body keeps its exact bytes). PostgreSQL-only additions:
 * `deliveries.limited` and the endpoints' token bucket, which let several
 * processes keep per-endpoint limits (see claim.ts).
 *
 * Deliveries, attempts and events are written on the hot path, and a
 * claim or an outcome moves a delivery between queue indexes (no HOT
 * update possible), so every index on them costs on every write: they get
 * only the indexes a query uses. Their `seq` orders lists through the
 * scope and endpoint indexes; rows are found by `id`, the primary key.
 */
export const MIGRATIONS: readonly string[] = [
  // 1: the initial schema
  `
  CREATE TABLE settings (name TEXT PRIMARY KEY, value TEXT NOT NULL);

  CREATE TABLE accounts (
    seq BIGSERIAL PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    plan TEXT NOT NULL,
    created BIGINT NOT NULL
  );

  CREATE TABLE api_keys (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL,
    mode TEXT NOT NULL,
    secret_hash TEXT NOT NULL UNIQUE,
    created BIGINT NOT NULL,
    revoked_at BIGINT
  );

  CREATE TABLE endpoints (
    seq BIGSERIAL PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    account_id TEXT NOT NULL,
    mode TEXT NOT NULL,
    url TEXT NOT NULL,
    enabled_events TEXT NOT NULL,
    status TEXT NOT NULL,
    disabled_reason TEXT,
    description TEXT,
    metadata TEXT NOT NULL,
    signature_scheme TEXT NOT NULL,
    signature_header TEXT,
    timestamp_header TEXT,
    rate_limit DOUBLE PRECISION,
    max_in_flight INTEGER,
    secrets TEXT NOT NULL,
    consecutive_failures INTEGER NOT NULL DEFAULT 0,
    failing_since BIGINT,
    created BIGINT NOT NULL,
    updated BIGINT NOT NULL,
    deleted_at BIGINT,
    -- rate_limit's token bucket, shared by every claiming process: tokens
    -- left at rate_refilled_at (NULL: a full bucket).
    rate_tokens DOUBLE PRECISION,
    rate_refilled_at BIGINT
  );
  CREATE INDEX endpoints_scope ON endpoints (account_id, mode, seq);
  CREATE UNIQUE INDEX endpoints_url ON endpoints (account_id, mode, url) WHERE deleted_at IS NULL;
  CREATE INDEX endpoints_limited ON endpoints (id)
    WHERE (max_in_flight IS NOT NULL OR rate_limit IS NOT NULL) AND deleted_at IS NULL;

  CREATE TABLE events (
    seq BIGSERIAL NOT NULL,
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL,
    mode TEXT NOT NULL,
    type TEXT NOT NULL,
    created BIGINT NOT NULL,
    body TEXT NOT NULL
  );
  CREATE INDEX events_scope ON events (account_id, mode, seq);
  CREATE INDEX events_created ON events (created);

  CREATE TABLE deliveries (
    seq BIGSERIAL NOT NULL,
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL,
    mode TEXT NOT NULL,
    event_id TEXT NOT NULL,
    event_type TEXT NOT NULL,
    endpoint_id TEXT NOT NULL,
    status TEXT NOT NULL,
    attempt_count INTEGER NOT NULL DEFAULT 0,
    max_attempts INTEGER NOT NULL,
    next_attempt_at BIGINT,
    next_trigger TEXT NOT NULL,
    last_response_status INTEGER,
    lease_token TEXT,
    -- Whether the endpoint has max_in_flight or rate_limit: such rows are
    -- claimed through the endpoint's lock, the others by one statement.
    -- Kept equal to the endpoint's settings for every pending row.
    limited BOOLEAN NOT NULL DEFAULT false,
    created BIGINT NOT NULL,
    updated BIGINT NOT NULL
  );
  -- The queue: only pending rows are indexed, ordered by when they are due.
  -- A leased row's next_attempt_at is its lease expiry, so an expired lease
  -- makes the row due again without a separate reaper.
  CREATE INDEX deliveries_due ON deliveries (next_attempt_at) WHERE status = 'pending' AND NOT limited;
  CREATE INDEX deliveries_limited_due ON deliveries (endpoint_id, next_attempt_at) WHERE status = 'pending' AND limited;
  CREATE INDEX deliveries_scope ON deliveries (account_id, mode, seq);

  -- The claim's scans (claim.ts), pinned to the due indexes. Under FOR
  -- UPDATE the LIMIT cannot bound a sort, so when statistics underestimate
  -- the due rows (a backlog that built up since the last ANALYZE) the
  -- planner's bitmap-scan-and-sort plan sorts every due row. Measured:
  -- 200,000 due rows, no statistics yet: 175 ms per claim of 256, the sort
  -- spilling 11 MB to disk; with sorts off here, an index scan: under 1 ms.
  CREATE FUNCTION herald_due_unlimited(due_by BIGINT, excluded TEXT[], max_rows INTEGER)
  RETURNS TABLE (id TEXT) LANGUAGE sql VOLATILE
  SET enable_sort = off SET enable_bitmapscan = off
  AS $fn$
    SELECT d.id FROM deliveries d
    WHERE d.status = 'pending' AND NOT d.limited AND d.next_attempt_at <= due_by
      AND d.endpoint_id <> ALL (excluded)
    ORDER BY d.next_attempt_at
    LIMIT max_rows
    FOR UPDATE SKIP LOCKED
  $fn$;

  CREATE FUNCTION herald_due_limited(endpoint TEXT, due_by BIGINT, max_rows INTEGER)
  RETURNS TABLE (id TEXT, next_attempt_at BIGINT) LANGUAGE sql VOLATILE
  SET enable_sort = off SET enable_bitmapscan = off
  AS $fn$
    SELECT d.id, d.next_attempt_at FROM deliveries d
    WHERE d.endpoint_id = endpoint AND d.status = 'pending' AND d.limited AND d.next_attempt_at <= due_by
    ORDER BY d.next_attempt_at
    LIMIT max_rows
    FOR UPDATE SKIP LOCKED
  $fn$;
  CREATE INDEX deliveries_endpoint ON deliveries (endpoint_id, seq);
  CREATE INDEX deliveries_event ON deliveries (event_id);

  CREATE TABLE attempts (
    seq BIGSERIAL NOT NULL,
    id TEXT PRIMARY KEY,
    delivery_id TEXT NOT NULL,
    attempted_at BIGINT NOT NULL,
    duration_ms BIGINT NOT NULL,
    response_status INTEGER,
    response_body TEXT,
    response_headers TEXT,
    error TEXT,
    trigger TEXT NOT NULL
  );
  CREATE INDEX attempts_delivery ON attempts (delivery_id, seq);

  CREATE TABLE event_types (
    name TEXT PRIMARY KEY,
    description TEXT NOT NULL,
    grp TEXT NOT NULL,
    recommended BOOLEAN NOT NULL
  );

  CREATE TABLE idempotency_keys (
    scope TEXT NOT NULL,
    key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    status INTEGER,
    body TEXT,
    created BIGINT NOT NULL,
    PRIMARY KEY (scope, key)
  );
  CREATE INDEX idempotency_keys_created ON idempotency_keys (created);
  `,
  // 2: the audit log, key expiry (rolled keys), the signed request's headers per attempt
  `
  CREATE TABLE audit_log (
    seq BIGSERIAL PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    account_id TEXT,
    mode TEXT,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    object_id TEXT NOT NULL,
    details TEXT NOT NULL,
    created BIGINT NOT NULL
  );
  CREATE INDEX audit_log_scope ON audit_log (account_id, seq);
  ALTER TABLE api_keys ADD COLUMN expires_at BIGINT;
  -- An account's keys, newest first (GET /v1/accounts/:id/api_keys).
  CREATE INDEX api_keys_account ON api_keys (account_id, created, id);
  ALTER TABLE attempts ADD COLUMN request_headers TEXT;
  -- Recent deliveries by time (GET /v1/webhooks/:id/stats, recover) without
  -- reading older ones. BRIN, because rows arrive in time order: it keeps one
  -- summary per block range, nearly free to maintain, where a B-tree on
  -- (endpoint_id, created) cost a third of the fan-out insert (measured on SQLite).
  CREATE INDEX deliveries_created_brin ON deliveries USING brin (created);
  -- Dashboard sign-in links and sessions, by the SHA-256 of the token; the
  -- retention job deletes expired rows. Replaces the settings rows of before.
  CREATE TABLE dashboard_tokens (
    hash TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    account_id TEXT NOT NULL,
    mode TEXT NOT NULL,
    csrf TEXT,
    expires_at BIGINT NOT NULL,
    used_at BIGINT
  );
  CREATE INDEX dashboard_tokens_expiry ON dashboard_tokens (expires_at);
  DELETE FROM settings WHERE name LIKE 'dashboard_link%' OR name LIKE 'dashboard_session:%';
  `,
  // 3: due deliveries by endpoint, of every endpoint (was: limited ones
  // only). A claim that must pass over saturated endpoints asks each other
  // endpoint for its oldest due rows instead of walking the saturated ones'
  // rows at the head of deliveries_due (measured: a hanging endpoint's
  // backlog there held a healthy endpoint's deliveries back by seconds).
  `
  DROP INDEX deliveries_limited_due;
  CREATE INDEX deliveries_due_by_endpoint ON deliveries (endpoint_id, next_attempt_at) WHERE status = 'pending';
  `,
];
