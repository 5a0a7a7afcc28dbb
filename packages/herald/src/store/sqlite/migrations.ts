/**
 * Numbered, forward-only migrations. The database's `user_version` pragma
 * records how many have run; a migration is never edited once released, a
 * change is a new entry at the end.
 */
export const MIGRATIONS: readonly string[] = [
  // 1: the initial schema
  `
  CREATE TABLE settings (name TEXT PRIMARY KEY, value TEXT NOT NULL);

  CREATE TABLE accounts (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    plan TEXT NOT NULL,
    created INTEGER NOT NULL
  );

  CREATE TABLE api_keys (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL,
    mode TEXT NOT NULL,
    secret_hash TEXT NOT NULL UNIQUE,
    created INTEGER NOT NULL,
    revoked_at INTEGER
  );

  CREATE TABLE endpoints (
    seq INTEGER PRIMARY KEY,
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
    rate_limit REAL,
    max_in_flight INTEGER,
    secrets TEXT NOT NULL,
    consecutive_failures INTEGER NOT NULL DEFAULT 0,
    failing_since INTEGER,
    created INTEGER NOT NULL,
    updated INTEGER NOT NULL,
    deleted_at INTEGER
  );
  CREATE INDEX endpoints_scope ON endpoints (account_id, mode, seq);
  CREATE UNIQUE INDEX endpoints_url ON endpoints (account_id, mode, url) WHERE deleted_at IS NULL;

  CREATE TABLE events (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    account_id TEXT NOT NULL,
    mode TEXT NOT NULL,
    type TEXT NOT NULL,
    created INTEGER NOT NULL,
    body TEXT NOT NULL
  );
  CREATE INDEX events_scope ON events (account_id, mode, seq);
  CREATE INDEX events_created ON events (created);

  CREATE TABLE deliveries (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    account_id TEXT NOT NULL,
    mode TEXT NOT NULL,
    event_id TEXT NOT NULL,
    event_type TEXT NOT NULL,
    endpoint_id TEXT NOT NULL,
    status TEXT NOT NULL,
    attempt_count INTEGER NOT NULL DEFAULT 0,
    max_attempts INTEGER NOT NULL,
    next_attempt_at INTEGER,
    next_trigger TEXT NOT NULL,
    last_response_status INTEGER,
    lease_token TEXT,
    created INTEGER NOT NULL,
    updated INTEGER NOT NULL
  );
  -- The queue: only pending rows are indexed, ordered by when they are due.
  -- A leased row's next_attempt_at is its lease expiry, so an expired lease
  -- makes the row due again without a separate reaper.
  CREATE INDEX deliveries_due ON deliveries (next_attempt_at) WHERE status = 'pending';
  CREATE INDEX deliveries_endpoint ON deliveries (endpoint_id, seq);
  CREATE INDEX deliveries_event ON deliveries (event_id);
  CREATE INDEX deliveries_created ON deliveries (created);

  CREATE TABLE attempts (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    delivery_id TEXT NOT NULL,
    attempted_at INTEGER NOT NULL,
    duration_ms INTEGER NOT NULL,
    response_status INTEGER,
    response_body TEXT,
    response_headers TEXT,
    error TEXT,
    trigger TEXT NOT NULL
  );
  CREATE INDEX attempts_delivery ON attempts (delivery_id, seq);
  CREATE INDEX attempts_time ON attempts (attempted_at);

  CREATE TABLE event_types (
    name TEXT PRIMARY KEY,
    description TEXT NOT NULL,
    grp TEXT NOT NULL,
    recommended INTEGER NOT NULL
  );

  CREATE TABLE idempotency_keys (
    scope TEXT NOT NULL,
    key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    status INTEGER,
    body TEXT,
    created INTEGER NOT NULL,
    PRIMARY KEY (scope, key)
  );
  `,
  // 2: the audit log, key expiry (rolled keys), the signed request's headers per attempt
  `
  CREATE TABLE audit_log (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    account_id TEXT,
    mode TEXT,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    object_id TEXT NOT NULL,
    details TEXT NOT NULL,
    created INTEGER NOT NULL
  );
  CREATE INDEX audit_log_scope ON audit_log (account_id, seq);
  ALTER TABLE api_keys ADD COLUMN expires_at INTEGER;
  -- An account's keys, newest first (GET /v1/accounts/:id/api_keys).
  CREATE INDEX api_keys_account ON api_keys (account_id, created, id);
  ALTER TABLE attempts ADD COLUMN request_headers TEXT;
  -- No query reads deliveries by creation time alone (retention goes by the
  -- events' time; stats and recovery find their first seq by time, see
  -- first-seq-since.ts), and every index on deliveries costs on every fan-out.
  DROP INDEX deliveries_created;
  -- Dashboard sign-in links and sessions, by the SHA-256 of the token; the
  -- retention job deletes expired rows. Replaces the settings rows of before.
  CREATE TABLE dashboard_tokens (
    hash TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    account_id TEXT NOT NULL,
    mode TEXT NOT NULL,
    csrf TEXT,
    expires_at INTEGER NOT NULL,
    used_at INTEGER
  );
  CREATE INDEX dashboard_tokens_expiry ON dashboard_tokens (expires_at);
  DELETE FROM settings WHERE name LIKE 'dashboard_link%' OR name LIKE 'dashboard_session:%';
  `,
];
