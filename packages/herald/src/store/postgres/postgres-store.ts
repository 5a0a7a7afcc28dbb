/**
 * The shared store: one PostgreSQL database that several Herald processes
 * use at once. Every write the contract calls durable has committed before
 * its promise resolves (synchronous_commit is the server's: keep it on).
 * Per-endpoint limits hold across processes (claim.ts), and writers NOTIFY
 * `herald_due` so idle processes look for work before their next poll.
 */
import { randomBytes } from "node:crypto";
import { Pool } from "pg";
import type { AuditEntry, AuditQuery } from "../../domain/audit.js";
import type { DashboardToken } from "../../domain/dashboard-token.js";
import type { EndpointStats } from "../../domain/endpoint-stats.js";
import type {
  Account,
  ApiKey,
  Attempt,
  Delivery,
  Endpoint,
  EventType,
  HeraldEvent,
  Plan,
  Scope,
} from "../../domain/types.js";
import type {
  ClaimedDelivery,
  ClaimOptions,
  DeliveryOutcome,
  DeliveryQuery,
  EndpointPatch,
  EventQuery,
  HealthPolicy,
  IdempotencyBegin,
  IngestInput,
  IngestResult,
  NewEndpoint,
  Page,
  PageQuery,
  RecordResult,
  ResealCount,
  RolledKey,
  Store,
} from "../store.js";
import * as audit from "./audit.js";
import { Claimer } from "./claim.js";
import * as dashboardTokens from "./dashboard-tokens.js";
import { endpointStats } from "./endpoint-stats.js";
import * as endpoints from "./endpoints.js";
import { GroupCommit } from "./group-commit.js";
import * as idempotency from "./idempotency.js";
import { ingest } from "./ingest.js";
import { type KeyOwner, KeyOwnerCache } from "./key-cache.js";
import * as keys from "./keys.js";
import { SHARE_SCOPES_SQL, scopeKey } from "./locks.js";
import { migrate } from "./migrate.js";
import { ChannelListener, KEYS_CHANNEL, NOTIFY_DUE_SQL } from "./notify.js";
import { Params, paginate } from "./paginate.js";
import { pruneBatch } from "./prune.js";
import { OLDEST_DUE_SQL } from "./queue-stats.js";
import { recordBatch } from "./record.js";
import { resealSecrets } from "./reseal.js";
import { type Row, toAccount, toApiKey, toAttempt, toDelivery, toEndpoint, toEvent, toEventType } from "./rows.js";
import { withTransaction } from "./transaction.js";

export interface PostgresStoreOptions {
  /**
   * Connections in the main pool. Default 10. Extra: half as many (at least
   * 2) for queue bookkeeping, one LISTEN connection for key changes and one
   * per onDue listener.
   */
  poolSize?: number;
}

/** Connects to `url` (a `postgres://` connection string) and applies pending migrations. */
export async function openPostgresStore(url: string, options: PostgresStoreOptions = {}): Promise<PostgresStore> {
  const store = new PostgresStore(url, options);
  try {
    await store.migrate();
    await store.listenForKeyChanges();
  } catch (error) {
    await store.close();
    throw error;
  }
  return store;
}

/** A re-queued delivery is claimed under the endpoint's current limits (see claim.ts). */
const REQUEUED_LIMITED_SQL = `, limited = (SELECT e.max_in_flight IS NOT NULL OR e.rate_limit IS NOT NULL
    FROM endpoints e WHERE e.id = deliveries.endpoint_id)`;

export class PostgresStore implements Store {
  readonly kind = "postgres" as const;
  readonly shared = true;
  readonly #url: string;
  readonly #pool: Pool;
  readonly #queuePool: Pool;
  readonly #ingest: GroupCommit<IngestInput, IngestResult>;
  readonly #claimer: Claimer;
  readonly #listeners = new Set<ChannelListener>();
  readonly #keyOwners = new KeyOwnerCache();
  /** Makes lease tokens unique across stores even when two use the same owner name. */
  readonly #nonce = randomBytes(4).toString("hex");
  #leaseSeq = 0;
  #closing: Promise<void> | null = null;

  constructor(url: string, options: PostgresStoreOptions = {}) {
    this.#url = url;
    this.#pool = new Pool({
      connectionString: url,
      max: options.poolSize ?? 10,
      keepAlive: true,
      application_name: "herald",
      // Fail instead of hanging when the server cannot be reached (or every
      // connection stays busy this long); callers retry with backoff.
      connectionTimeoutMillis: 10_000,
    });
    // An idle connection that dies (server restart, network) is reported
    // here after the pool has dropped it; the next query opens a new one.
    // Without a listener the 'error' event would crash the process.
    this.#pool.on("error", () => {});
    // Queue bookkeeping — claims, lease renewals and releases, attempt
    // outcomes — commits without waiting for the WAL flush, as the embedded
    // store's does (sqlite/queue-write.ts). Losing the last of them in a
    // database crash loses nothing accepted: a lease just expires, and an
    // outcome not on disk means the delivery is sent again (at least once).
    // Ingest stays on the synchronous pool: an event is on disk before its
    // 202. Why: every claim was its own flushed commit, and the WAL flushes
    // of claims, outcomes and ingest queued behind one another on this
    // 2-core machine.
    this.#queuePool = new Pool({
      connectionString: url,
      max: Math.max(2, Math.ceil((options.poolSize ?? 10) / 2)),
      keepAlive: true,
      application_name: "herald-queue",
      options: "-c synchronous_commit=off",
      connectionTimeoutMillis: 10_000,
    });
    this.#queuePool.on("error", () => {});
    // Every pooled connection keeps an 'error' listener for its whole life.
    // pg-pool listens only while a connection is idle or inside its own
    // query(), and withTransaction while it holds one; the scale-out test
    // that terminates backends under load once crashed a process with an
    // 'error' event nobody heard, outside those windows. Statements in
    // flight still reject and the pool still drops the connection; this
    // only keeps the event from being fatal.
    for (const pool of [this.#pool, this.#queuePool]) pool.on("connect", (client) => client.on("error", () => {}));
    this.#ingest = new GroupCommit((batch) => ingest(this.#pool, batch, (owner) => this.#nextLease(owner)));
    this.#claimer = new Claimer(this.#queuePool);
  }

  #nextLease(owner: string): string {
    return `${owner}:${this.#nonce}.${++this.#leaseSeq}`;
  }

  migrate(): Promise<void> {
    return migrate(this.#pool);
  }

  /** Lets findKeyOwner answer from memory while other processes' key and account changes reach this one. */
  listenForKeyChanges(): Promise<void> {
    return this.#keyOwners.start(this.#url);
  }

  async ping(): Promise<void> {
    await this.#pool.query("SELECT 1");
  }

  /** Waits for ingests in progress to commit, stops the listeners and closes the pool. Idempotent. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      await this.#ingest.drain();
      await Promise.all([...this.#listeners].map((l) => l.stop()));
      await this.#keyOwners.stop();
      await Promise.all([this.#pool.end(), this.#queuePool.end()]);
    })();
    return this.#closing;
  }

  async #one(sql: string, params: unknown[] = []): Promise<Row | undefined> {
    return (await this.#pool.query(sql, params)).rows[0];
  }

  async #all(sql: string, params: unknown[] = []): Promise<Row[]> {
    return (await this.#pool.query(sql, params)).rows;
  }

  // settings

  async getSetting(name: string): Promise<string | null> {
    const r = await this.#one("SELECT value FROM settings WHERE name = $1", [name]);
    return r === undefined ? null : (r.value as string);
  }

  async setSettingIfAbsent(name: string, value: string): Promise<string> {
    await this.#pool.query("INSERT INTO settings (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING", [
      name,
      value,
    ]);
    return (await this.getSetting(name)) as string;
  }

  async setSetting(name: string, value: string): Promise<void> {
    await this.#pool.query(
      "INSERT INTO settings (name, value) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET value = excluded.value",
      [name, value],
    );
  }

  // dashboard links and sessions

  saveDashboardToken(token: DashboardToken): Promise<void> {
    return dashboardTokens.saveDashboardToken(this.#pool, token);
  }

  getDashboardToken(hash: string): Promise<DashboardToken | null> {
    return dashboardTokens.getDashboardToken(this.#pool, hash);
  }

  useDashboardLink(hash: string, now: number): Promise<DashboardToken | null> {
    return dashboardTokens.useDashboardLink(this.#pool, hash, now);
  }

  deleteDashboardToken(hash: string): Promise<void> {
    return dashboardTokens.deleteDashboardToken(this.#pool, hash);
  }

  // accounts and keys

  async createAccount(a: Account): Promise<Account> {
    await this.#pool.query("INSERT INTO accounts (id, name, plan, created) VALUES ($1, $2, $3, $4)", [
      a.id,
      a.name,
      a.plan,
      a.created,
    ]);
    return a;
  }

  async getAccount(id: string): Promise<Account | null> {
    const r = await this.#one("SELECT * FROM accounts WHERE id = $1", [id]);
    return r === undefined ? null : toAccount(r);
  }

  listAccounts(page: PageQuery): Promise<Page<Account>> {
    return paginate(this.#pool, "accounts", "true", new Params(), page, toAccount);
  }

  async updateAccount(id: string, patch: { name?: string; plan?: Plan }): Promise<Account | null> {
    // The notification goes out at commit: other processes drop cached keys with the old account.
    const r = await this.#one(
      `WITH u AS (UPDATE accounts SET name = COALESCE($2, name), plan = COALESCE($3, plan) WHERE id = $1 RETURNING *)
       SELECT u.*, pg_notify('${KEYS_CHANNEL}', '') FROM u`,
      [id, patch.name ?? null, patch.plan ?? null],
    );
    this.#keyOwners.clear();
    return r === undefined ? null : toAccount(r);
  }

  async countAccounts(): Promise<number> {
    return Number((await this.#one("SELECT count(*) AS n FROM accounts"))?.n ?? 0);
  }

  async createApiKey(key: ApiKey, secretHash: string): Promise<ApiKey> {
    await this.#pool.query(
      "INSERT INTO api_keys (id, account_id, mode, secret_hash, created, revoked_at) VALUES ($1, $2, $3, $4, $5, $6)",
      [key.id, key.accountId, key.mode, secretHash, key.created, key.revokedAt],
    );
    return key;
  }

  findKeyOwner(secretHash: string): Promise<KeyOwner | null> {
    return this.#keyOwners.get(secretHash, Date.now(), async () => {
      const r = await this.#one(
        "SELECT k.*, to_json(a) AS account FROM api_keys k JOIN accounts a ON a.id = k.account_id WHERE k.secret_hash = $1",
        [secretHash],
      );
      return r === undefined ? null : { key: toApiKey(r), account: toAccount(r.account as Row) };
    });
  }

  async findApiKeyByHash(secretHash: string): Promise<ApiKey | null> {
    const r = await this.#one("SELECT * FROM api_keys WHERE secret_hash = $1", [secretHash]);
    return r === undefined ? null : toApiKey(r);
  }

  listApiKeys(accountId: string, page: PageQuery): Promise<Page<ApiKey>> {
    return keys.listApiKeys(this.#pool, accountId, page);
  }

  revokeApiKey(
    accountId: string,
    keyId: string,
    now: number,
    audit: (key: ApiKey) => AuditEntry,
  ): Promise<ApiKey | null> {
    return keys.revokeApiKey(this.#pool, accountId, keyId, now, audit).finally(() => this.#keyOwners.clear());
  }

  rollApiKey(
    accountId: string,
    keyId: string,
    expiresAt: number,
    next: (old: ApiKey) => RolledKey,
  ): Promise<{ old: ApiKey; next: ApiKey } | null> {
    return keys.rollApiKey(this.#pool, accountId, keyId, expiresAt, next).finally(() => this.#keyOwners.clear());
  }

  // the audit log

  appendAudit(entries: readonly AuditEntry[]): Promise<void> {
    return audit.appendAudit(this.#pool, entries);
  }

  listAuditLog(query: AuditQuery, page: PageQuery): Promise<Page<AuditEntry>> {
    return audit.listAuditLog(this.#pool, query, page);
  }

  resealSecrets(reseal: (sealed: string) => string): Promise<ResealCount> {
    return resealSecrets(this.#pool, reseal);
  }

  // endpoints

  createEndpoint(endpoint: NewEndpoint, limitPerScope: number): Promise<Endpoint> {
    return withTransaction(this.#pool, (c) => endpoints.createEndpoint(c, endpoint, limitPerScope));
  }

  async getEndpoint(scope: Scope, id: string): Promise<Endpoint | null> {
    const r = await this.#one(
      "SELECT * FROM endpoints WHERE id = $1 AND account_id = $2 AND mode = $3 AND deleted_at IS NULL",
      [id, scope.accountId, scope.mode],
    );
    return r === undefined ? null : toEndpoint(r);
  }

  listEndpoints(scope: Scope, page: PageQuery): Promise<Page<Endpoint>> {
    const p = new Params();
    const where = `t.account_id = ${p.add(scope.accountId)} AND t.mode = ${p.add(scope.mode)} AND t.deleted_at IS NULL`;
    return paginate(this.#pool, "endpoints", where, p, page, toEndpoint);
  }

  updateEndpoint(scope: Scope, id: string, patch: EndpointPatch, now: number): Promise<Endpoint | null> {
    return withTransaction(this.#pool, (c) => endpoints.updateEndpoint(c, scope, id, patch, now));
  }

  deleteEndpoint(scope: Scope, id: string, now: number): Promise<boolean> {
    return withTransaction(this.#pool, (c) => endpoints.deleteEndpoint(c, scope, id, now));
  }

  // events

  ingestEvent(input: IngestInput): Promise<IngestResult> {
    return this.#ingest.submit(input);
  }

  async getEvent(scope: Scope, id: string): Promise<HeraldEvent | null> {
    const r = await this.#one("SELECT * FROM events WHERE id = $1 AND account_id = $2 AND mode = $3", [
      id,
      scope.accountId,
      scope.mode,
    ]);
    return r === undefined ? null : toEvent(r);
  }

  listEvents(scope: Scope, query: EventQuery, page: PageQuery): Promise<Page<HeraldEvent>> {
    const p = new Params();
    const conds = [`t.account_id = ${p.add(scope.accountId)}`, `t.mode = ${p.add(scope.mode)}`];
    if (query.type !== undefined) {
      if (query.type.endsWith(".*")) conds.push(`starts_with(t.type, ${p.add(query.type.slice(0, -1))})`);
      else if (query.type !== "*") conds.push(`t.type = ${p.add(query.type)}`);
    }
    const unsuccessful =
      "EXISTS (SELECT 1 FROM deliveries d WHERE d.event_id = t.id AND (d.status IN ('failed', 'cancelled') OR (d.status = 'pending' AND d.attempt_count > 0)))";
    if (query.deliverySuccess === false) conds.push(unsuccessful);
    if (query.deliverySuccess === true) {
      conds.push(`NOT ${unsuccessful}`);
      conds.push("EXISTS (SELECT 1 FROM deliveries d WHERE d.event_id = t.id AND d.status = 'succeeded')");
    }
    return paginate(this.#pool, "events", conds.join(" AND "), p, page, toEvent);
  }

  // deliveries and attempts

  async getDelivery(scope: Scope, id: string): Promise<Delivery | null> {
    const r = await this.#one("SELECT * FROM deliveries WHERE id = $1 AND account_id = $2 AND mode = $3", [
      id,
      scope.accountId,
      scope.mode,
    ]);
    return r === undefined ? null : toDelivery(r);
  }

  async listAttempts(scope: Scope, deliveryId: string): Promise<Attempt[]> {
    if ((await this.getDelivery(scope, deliveryId)) === null) return [];
    return (await this.#all("SELECT * FROM attempts WHERE delivery_id = $1 ORDER BY seq DESC", [deliveryId])).map(
      toAttempt,
    );
  }

  listDeliveries(scope: Scope, query: DeliveryQuery, page: PageQuery): Promise<Page<Delivery>> {
    const p = new Params();
    const conds = [`t.account_id = ${p.add(scope.accountId)}`, `t.mode = ${p.add(scope.mode)}`];
    if (query.endpointId !== undefined) conds.push(`t.endpoint_id = ${p.add(query.endpointId)}`);
    if (query.eventId !== undefined) conds.push(`t.event_id = ${p.add(query.eventId)}`);
    if (query.status !== undefined) conds.push(`t.status = ${p.add(query.status)}`);
    return paginate(this.#pool, "deliveries", conds.join(" AND "), p, page, toDelivery);
  }

  resendDelivery(scope: Scope, id: string, now: number): Promise<Delivery | null> {
    return withTransaction(this.#pool, async (c) => {
      await c.query(SHARE_SCOPES_SQL, [[scopeKey(scope.accountId, scope.mode)]]);
      const r = await c.query(
        `UPDATE deliveries SET status = 'pending', next_attempt_at = $2, next_trigger = 'manual', lease_token = NULL,
           max_attempts = GREATEST(max_attempts, attempt_count + 1), updated = $2 ${REQUEUED_LIMITED_SQL}
         WHERE id = $1 AND account_id = $3 AND mode = $4
         RETURNING *`,
        [id, now, scope.accountId, scope.mode],
      );
      if (r.rows[0] === undefined) return null;
      await c.query(NOTIFY_DUE_SQL);
      return toDelivery(r.rows[0]);
    });
  }

  endpointStats(scope: Scope, endpointId: string, since: number): Promise<EndpointStats> {
    return endpointStats(this.#pool, scope, endpointId, since);
  }

  recoverDeliveries(scope: Scope, endpointId: string, since: number, now: number): Promise<number> {
    return withTransaction(this.#pool, async (c) => {
      await c.query(SHARE_SCOPES_SQL, [[scopeKey(scope.accountId, scope.mode)]]);
      const r = await c.query(
        `UPDATE deliveries SET status = 'pending', next_attempt_at = $5, next_trigger = 'manual', lease_token = NULL,
           max_attempts = GREATEST(max_attempts, attempt_count + 1), updated = $5 ${REQUEUED_LIMITED_SQL}
         FROM (SELECT id FROM deliveries
               WHERE endpoint_id = $1 AND account_id = $2 AND mode = $3
                 AND status IN ('failed', 'cancelled') AND created >= $4
               ORDER BY id FOR UPDATE) x
         WHERE deliveries.id = x.id`,
        [endpointId, scope.accountId, scope.mode, since, now],
      );
      const n = r.rowCount ?? 0;
      if (n > 0) await c.query(NOTIFY_DUE_SQL);
      return n;
    });
  }

  // the queue

  claimDeliveries(o: ClaimOptions): Promise<ClaimedDelivery[]> {
    return this.#claimer.claim(o, this.#nextLease(o.owner));
  }

  async renewLeases(
    _owner: string,
    leases: readonly { deliveryId: string; leaseToken: string }[],
    until: number,
  ): Promise<string[]> {
    if (leases.length === 0) return [];
    const { rows } = await this.#queuePool.query(
      `UPDATE deliveries d SET next_attempt_at = $3
       FROM (SELECT x.id FROM deliveries x
             JOIN unnest($1::text[], $2::text[]) AS l(id, token) ON x.id = l.id AND x.lease_token = l.token
             WHERE x.status = 'pending'
             ORDER BY x.id FOR UPDATE OF x) owned
       WHERE d.id = owned.id
       RETURNING d.id`,
      [leases.map((l) => l.deliveryId), leases.map((l) => l.leaseToken), until],
    );
    return rows.map((r) => r.id as string);
  }

  async releaseLeases(leases: readonly { deliveryId: string; leaseToken: string }[], now: number): Promise<void> {
    if (leases.length === 0) return;
    await withTransaction(this.#queuePool, async (c) => {
      const r = await c.query(
        `UPDATE deliveries d SET next_attempt_at = $3, lease_token = NULL
         FROM (SELECT x.id FROM deliveries x
               JOIN unnest($1::text[], $2::text[]) AS l(id, token) ON x.id = l.id AND x.lease_token = l.token
               WHERE x.status = 'pending'
               ORDER BY x.id FOR UPDATE OF x) owned
         WHERE d.id = owned.id`,
        [leases.map((l) => l.deliveryId), leases.map((l) => l.leaseToken), now],
      );
      if ((r.rowCount ?? 0) > 0) await c.query(NOTIFY_DUE_SQL);
    });
  }

  recordOutcomes(outcomes: readonly DeliveryOutcome[], policy: HealthPolicy, now: number): Promise<RecordResult> {
    return recordBatch(this.#queuePool, outcomes, policy, now);
  }

  async countDue(now: number): Promise<number> {
    const r = await this.#one(
      "SELECT count(*) AS n FROM deliveries WHERE status = 'pending' AND next_attempt_at <= $1",
      [now],
    );
    return Number(r?.n ?? 0);
  }

  async oldestDueAt(now: number): Promise<number | null> {
    const at = (await this.#one(OLDEST_DUE_SQL, [now]))?.at;
    return at === null || at === undefined ? null : Number(at);
  }

  async onDue(listener: () => void): Promise<() => Promise<void>> {
    const l = new ChannelListener(this.#url, listener);
    await l.start();
    this.#listeners.add(l);
    return async () => {
      this.#listeners.delete(l);
      await l.stop();
    };
  }

  // retention

  prune(before: number, batchSize: number): Promise<number> {
    return pruneBatch(this.#pool, before, batchSize);
  }

  // event types

  async listCustomEventTypes(): Promise<EventType[]> {
    return (await this.#all("SELECT * FROM event_types ORDER BY grp, name")).map(toEventType);
  }

  async upsertEventType(t: EventType): Promise<void> {
    await this.#pool.query(
      `INSERT INTO event_types (name, description, grp, recommended) VALUES ($1, $2, $3, $4)
       ON CONFLICT (name) DO UPDATE SET description = excluded.description, grp = excluded.grp, recommended = excluded.recommended`,
      [t.name, t.description, t.group, t.recommended],
    );
  }

  // idempotency

  beginIdempotent(scope: string, key: string, requestHash: string, now: number): Promise<IdempotencyBegin> {
    return idempotency.beginIdempotent(this.#pool, scope, key, requestHash, now);
  }

  completeIdempotent(scope: string, key: string, status: number, body: string): Promise<void> {
    return idempotency.completeIdempotent(this.#pool, scope, key, status, body);
  }

  abortIdempotent(scope: string, key: string): Promise<void> {
    return idempotency.abortIdempotent(this.#pool, scope, key);
  }
}
