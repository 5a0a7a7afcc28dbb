/**
 * The embedded store: one SQLite file in WAL mode. A write the contract
 * calls durable is on disk (fsync'd) before the promise that waited for it
 * resolves: API writes commit with `synchronous=FULL`, ingest batches commit
 * and then fsync the WAL off the event loop (wal-sync.ts). Queue bookkeeping
 * (claims, leases, outcomes) commits without an fsync (queue-write.ts).
 * better-sqlite3 is synchronous; every method runs to completion on the
 * event loop, which makes each one atomic by construction.
 */
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import type { Database } from "better-sqlite3";
import BetterSqlite3 from "better-sqlite3";
import type { AuditEntry, AuditQuery } from "../../domain/audit.js";
import type { DashboardToken } from "../../domain/dashboard-token.js";
import type { EndpointStats } from "../../domain/endpoint-stats.js";
import { conflict, invalid } from "../../domain/errors.js";
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
  ParkedClaim,
  RecordResult,
  ResealCount,
  RolledKey,
  Store,
} from "../store.js";
import * as audit from "./audit.js";
import { cancelPending } from "./cancel-pending.js";
import { Checkpointer } from "./checkpointer.js";
import * as dashboardTokens from "./dashboard-tokens.js";
import { endpointStats } from "./endpoint-stats.js";
import { firstSeqSince } from "./first-seq-since.js";
import { GroupCommit } from "./group-commit.js";
import { ingestOne } from "./ingest.js";
import * as keys from "./keys.js";
import { MIGRATIONS } from "./migrations.js";
import { paginate } from "./paginate.js";
import { claimParkedRows, unparkAll } from "./parking.js";
import { OLDEST_DUE_SQL } from "./queue-stats.js";
import { queueWrite } from "./queue-write.js";
import { ReadCache } from "./read-cache.js";
import { recordBatch } from "./record.js";
import { resealSecrets } from "./reseal.js";
import {
  endpointParams,
  PARKED_AT,
  type Row,
  toAccount,
  toApiKey,
  toAttempt,
  toDelivery,
  toEndpoint,
  toEvent,
} from "./rows.js";
import { Statements } from "./statements.js";
import { SubscriberCache } from "./subscribers.js";
import { WalSync } from "./wal-sync.js";

const IDEMPOTENCY_TTL_MS = 24 * 3600 * 1000;
/** How many of the oldest due rows a claim looks through when it skips saturated endpoints. */
const CLAIM_WINDOW = 8192;

export interface SqliteStoreOptions {
  /**
   * Told of every failure of the background checkpoint thread (a checkpoint
   * that failed, or the thread itself; then SQLite's own checkpoints take
   * over). Default: ignored.
   */
  onCheckpointError?: (message: string) => void;
}

/** Opens (creating if needed) the SQLite store at `file` and applies its migrations. */
export async function openSqliteStore(file: string, options: SqliteStoreOptions = {}): Promise<SqliteStore> {
  mkdirSync(dirname(file), { recursive: true });
  const db = new BetterSqlite3(file);
  db.pragma("journal_mode = WAL");
  // FULL by default: the WAL is fsync'd at every commit, so what the API
  // accepted survives a power cut. The hot paths opt out per transaction and
  // sync in their own way (group-commit.ts, queue-write.ts).
  db.pragma("synchronous = FULL");
  db.pragma("busy_timeout = 5000");
  // After a checkpoint lets the WAL start over, it is cut back to 64 MiB.
  db.pragma("journal_size_limit = 67108864");
  // Statement journals in memory, not in a temp file. A multi-row INSERT
  // (an event's deliveries, a batch of attempts) keeps one, so that a
  // constraint failure half-way can undo it, and copies into it every page
  // it is about to change; on disk that was a pwrite per page. Measured on
  // the deliveries table: 21.4 → 14.3 µs of CPU per row inserted, most of
  // it in the (endpoint_id, seq) index, whose inserts land on ten pages.
  // The journal lives only while its statement runs: a few pages.
  db.pragma("temp_store = MEMORY");
  const store = new SqliteStore(db);
  await store.migrate();
  store.startCheckpoints(options.onCheckpointError);
  return store;
}

export class SqliteStore implements Store {
  readonly kind = "sqlite" as const;
  /** One process per file (server/data-dir-lock.ts): limits are kept by that process's lanes. */
  readonly shared = false;
  readonly db: Database;
  readonly #st: Statements;
  readonly #subscribers = new SubscriberCache();
  readonly #keys = new ReadCache<ApiKey | null>();
  readonly #accounts = new ReadCache<Account | null>();
  readonly #eventTypes = new ReadCache<EventType[]>(1);
  readonly #wal: WalSync;
  #checkpointer: Checkpointer | null = null;
  readonly #ingest: GroupCommit<IngestInput, IngestResult>;
  #leaseSeq = 0;

  constructor(db: Database) {
    this.db = db;
    this.#st = new Statements(db);
    this.#wal = new WalSync(`${db.name}-wal`);
    this.#ingest = new GroupCommit(db, this.#wal, (input) =>
      ingestOne(this.#st, this.#subscribers, input, () => this.#nextLease(input)),
    );
  }

  #nextLease(input: IngestInput): string | null {
    return input.leaseTo === undefined ? null : `${input.leaseTo.owner}:${++this.#leaseSeq}`;
  }

  async migrate(): Promise<void> {
    const version = this.db.pragma("user_version", { simple: true }) as number;
    const apply = this.db.transaction(() => {
      for (let i = version; i < MIGRATIONS.length; i++) {
        this.db.exec(MIGRATIONS[i] as string);
        this.db.pragma(`user_version = ${i + 1}`);
      }
    });
    apply.immediate();
  }

  async ping(): Promise<void> {
    this.db.prepare("SELECT 1").get();
  }

  /** Moves WAL checkpoints to a thread of their own (checkpointer.ts). */
  startCheckpoints(onError?: (message: string) => void): void {
    this.#checkpointer ??= new Checkpointer(this.db, onError === undefined ? {} : { onError });
  }

  async close(): Promise<void> {
    await this.#ingest.drain();
    await this.#checkpointer?.stop();
    this.#checkpointer = null;
    this.#wal.close();
    if (this.db.open) this.db.close();
  }

  // settings

  async getSetting(name: string): Promise<string | null> {
    const r = this.#st.get("SELECT value FROM settings WHERE name = ?", name);
    return r === undefined ? null : (r.value as string);
  }

  async setSettingIfAbsent(name: string, value: string): Promise<string> {
    this.#st.run("INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING", name, value);
    return (await this.getSetting(name)) as string;
  }

  async setSetting(name: string, value: string): Promise<void> {
    this.#st.run(
      "INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value",
      name,
      value,
    );
  }

  // dashboard links and sessions

  async saveDashboardToken(token: DashboardToken): Promise<void> {
    dashboardTokens.saveDashboardToken(this.#st, token);
  }

  async getDashboardToken(hash: string): Promise<DashboardToken | null> {
    return dashboardTokens.getDashboardToken(this.#st, hash);
  }

  async useDashboardLink(hash: string, now: number): Promise<DashboardToken | null> {
    return dashboardTokens.useDashboardLink(this.#st, hash, now);
  }

  async deleteDashboardToken(hash: string): Promise<void> {
    dashboardTokens.deleteDashboardToken(this.#st, hash);
  }

  // accounts and keys

  async createAccount(a: Account): Promise<Account> {
    this.#st.run("INSERT INTO accounts (id, name, plan, created) VALUES (?, ?, ?, ?)", a.id, a.name, a.plan, a.created);
    return a;
  }

  async getAccount(id: string): Promise<Account | null> {
    return this.#accounts.get(id, () => {
      const r = this.#st.get("SELECT * FROM accounts WHERE id = ?", id);
      return r === undefined ? null : toAccount(r);
    });
  }

  async listAccounts(page: PageQuery): Promise<Page<Account>> {
    return paginate(this.db, "accounts", "1 = 1", {}, page, toAccount);
  }

  async updateAccount(id: string, patch: { name?: string; plan?: Plan }): Promise<Account | null> {
    this.#accounts.clear();
    this.#st.run("UPDATE accounts SET name = COALESCE(@name, name), plan = COALESCE(@plan, plan) WHERE id = @id", {
      id,
      name: patch.name ?? null,
      plan: patch.plan ?? null,
    });
    return this.getAccount(id);
  }

  async countAccounts(): Promise<number> {
    return Number(this.#st.get("SELECT COUNT(*) AS n FROM accounts")?.n ?? 0);
  }

  async createApiKey(key: ApiKey, secretHash: string): Promise<ApiKey> {
    this.#keys.clear();
    this.#st.run(
      "INSERT INTO api_keys (id, account_id, mode, secret_hash, created, revoked_at) VALUES (?, ?, ?, ?, ?, ?)",
      key.id,
      key.accountId,
      key.mode,
      secretHash,
      key.created,
      key.revokedAt,
    );
    return key;
  }

  async findKeyOwner(secretHash: string): Promise<{ key: ApiKey; account: Account } | null> {
    const key = await this.findApiKeyByHash(secretHash);
    const account = key === null ? null : await this.getAccount(key.accountId);
    return key === null || account === null ? null : { key, account };
  }

  async findApiKeyByHash(secretHash: string): Promise<ApiKey | null> {
    return this.#keys.get(secretHash, () => {
      const r = this.#st.get("SELECT * FROM api_keys WHERE secret_hash = ?", secretHash);
      return r === undefined ? null : toApiKey(r);
    });
  }

  async listApiKeys(accountId: string, page: PageQuery): Promise<Page<ApiKey>> {
    return keys.listApiKeys(this.db, accountId, page);
  }

  async revokeApiKey(
    accountId: string,
    keyId: string,
    now: number,
    audit: (key: ApiKey) => AuditEntry,
  ): Promise<ApiKey | null> {
    this.#keys.clear();
    return keys.revokeApiKey(this.db, accountId, keyId, now, audit);
  }

  async rollApiKey(
    accountId: string,
    keyId: string,
    expiresAt: number,
    next: (old: ApiKey) => RolledKey,
  ): Promise<{ old: ApiKey; next: ApiKey } | null> {
    this.#keys.clear();
    return keys.rollApiKey(this.db, accountId, keyId, expiresAt, next);
  }

  // the audit log

  async appendAudit(entries: readonly AuditEntry[]): Promise<void> {
    audit.appendAudit(this.db, entries);
  }

  async listAuditLog(query: AuditQuery, page: PageQuery): Promise<Page<AuditEntry>> {
    return audit.listAuditLog(this.db, query, page);
  }

  async resealSecrets(reseal: (sealed: string) => string): Promise<ResealCount> {
    const count = resealSecrets(this.db, reseal);
    this.#subscribers.invalidate();
    return count;
  }

  // endpoints

  async createEndpoint(endpoint: NewEndpoint, limitPerScope: number): Promise<Endpoint> {
    const tx = this.db.transaction(() => {
      const n = Number(
        this.#st.get(
          "SELECT COUNT(*) AS n FROM endpoints WHERE account_id = ? AND mode = ? AND deleted_at IS NULL",
          endpoint.accountId,
          endpoint.mode,
        )?.n,
      );
      if (n >= limitPerScope) {
        throw invalid(
          "endpoint_limit_reached",
          `An account may have at most ${limitPerScope} endpoints per mode; delete one first.`,
        );
      }
      this.#assertUrlFree(endpoint.accountId, endpoint.mode, endpoint.url, null);
      this.#st.run(
        `INSERT INTO endpoints (id, account_id, mode, url, enabled_events, status, disabled_reason, description, metadata,
           signature_scheme, signature_header, timestamp_header, rate_limit, max_in_flight, secrets, created, updated)
         VALUES (@id, @account_id, @mode, @url, @enabled_events, @status, @disabled_reason, @description, @metadata,
           @signature_scheme, @signature_header, @timestamp_header, @rate_limit, @max_in_flight, @secrets, @created, @updated)`,
        endpointParams(endpoint),
      );
    });
    tx.immediate();
    this.#subscribers.invalidate();
    return (await this.getEndpoint(endpoint, endpoint.id)) as Endpoint;
  }

  #assertUrlFree(accountId: string, mode: string, url: string, exceptId: string | null): void {
    const taken = this.#st.get(
      "SELECT id FROM endpoints WHERE account_id = ? AND mode = ? AND url = ? AND deleted_at IS NULL AND id IS NOT ?",
      accountId,
      mode,
      url,
      exceptId,
    );
    if (taken !== undefined) throw conflict("url_taken", `An endpoint with the URL ${url} already exists.`, "url");
  }

  #endpointRow(scope: Scope, id: string): Row | undefined {
    return this.#st.get(
      "SELECT * FROM endpoints WHERE id = ? AND account_id = ? AND mode = ? AND deleted_at IS NULL",
      id,
      scope.accountId,
      scope.mode,
    );
  }

  async getEndpoint(scope: Scope, id: string): Promise<Endpoint | null> {
    const r = this.#endpointRow(scope, id);
    return r === undefined ? null : toEndpoint(r);
  }

  async listEndpoints(scope: Scope, page: PageQuery): Promise<Page<Endpoint>> {
    return paginate(
      this.db,
      "endpoints",
      "t.account_id = @account AND t.mode = @mode AND t.deleted_at IS NULL",
      { account: scope.accountId, mode: scope.mode },
      page,
      toEndpoint,
    );
  }

  async updateEndpoint(scope: Scope, id: string, patch: EndpointPatch, now: number): Promise<Endpoint | null> {
    let result: Endpoint | null = null;
    const tx = this.db.transaction(() => {
      const row = this.#endpointRow(scope, id);
      if (row === undefined) return;
      const current = toEndpoint(row);
      if (patch.url !== undefined && patch.url !== current.url)
        this.#assertUrlFree(scope.accountId, scope.mode, patch.url, id);
      const next: Endpoint = { ...current, ...stripUndefined(patch), updated: now };
      if (patch.status === "enabled" && current.status !== "enabled") {
        // A fresh start: the failure run that disabled it is forgiven.
        next.consecutiveFailures = 0;
        next.failingSince = null;
        next.disabledReason = null;
      }
      this.#st.run(
        `UPDATE endpoints SET url = @url, enabled_events = @enabled_events, status = @status, disabled_reason = @disabled_reason,
           description = @description, metadata = @metadata, rate_limit = @rate_limit, max_in_flight = @max_in_flight,
           secrets = @secrets, consecutive_failures = @consecutive_failures, failing_since = @failing_since, updated = @updated
         WHERE id = @id`,
        {
          ...endpointParams(next),
          consecutive_failures: next.consecutiveFailures,
          failing_since: next.failingSince,
        },
      );
      if (next.status === "disabled" && current.status !== "disabled") cancelPending(this.#st, id, now);
      result = next;
    });
    tx.immediate();
    this.#subscribers.invalidate();
    return result;
  }

  async deleteEndpoint(scope: Scope, id: string, now: number): Promise<boolean> {
    let deleted = false;
    const tx = this.db.transaction(() => {
      const r = this.#st.run(
        "UPDATE endpoints SET deleted_at = ?, status = 'disabled', disabled_reason = 'deleted', updated = ? WHERE id = ? AND account_id = ? AND mode = ? AND deleted_at IS NULL",
        now,
        now,
        id,
        scope.accountId,
        scope.mode,
      );
      deleted = r.changes > 0;
      if (deleted) cancelPending(this.#st, id, now);
    });
    tx.immediate();
    this.#subscribers.invalidate();
    return deleted;
  }

  // events

  ingestEvent(input: IngestInput): Promise<IngestResult> {
    return this.#ingest.submit(input);
  }

  async getEvent(scope: Scope, id: string): Promise<HeraldEvent | null> {
    const r = this.#st.get(
      "SELECT * FROM events WHERE id = ? AND account_id = ? AND mode = ?",
      id,
      scope.accountId,
      scope.mode,
    );
    return r === undefined ? null : toEvent(r);
  }

  async listEvents(scope: Scope, query: EventQuery, page: PageQuery): Promise<Page<HeraldEvent>> {
    const conds = ["t.account_id = @account", "t.mode = @mode"];
    const params: Row = { account: scope.accountId, mode: scope.mode };
    if (query.type !== undefined) {
      if (query.type.endsWith(".*")) {
        conds.push("substr(t.type, 1, length(@prefix)) = @prefix");
        params.prefix = query.type.slice(0, -1);
      } else if (query.type !== "*") {
        conds.push("t.type = @type");
        params.type = query.type;
      }
    }
    const unsuccessful =
      "EXISTS (SELECT 1 FROM deliveries d WHERE d.event_id = t.id AND (d.status IN ('failed', 'cancelled') OR (d.status = 'pending' AND d.attempt_count > 0)))";
    if (query.deliverySuccess === false) conds.push(unsuccessful);
    if (query.deliverySuccess === true) {
      conds.push(`NOT ${unsuccessful}`);
      conds.push("EXISTS (SELECT 1 FROM deliveries d WHERE d.event_id = t.id AND d.status = 'succeeded')");
    }
    return paginate(this.db, "events", conds.join(" AND "), params, page, toEvent);
  }

  // deliveries and attempts

  async getDelivery(scope: Scope, id: string): Promise<Delivery | null> {
    const r = this.#st.get(
      "SELECT * FROM deliveries WHERE id = ? AND account_id = ? AND mode = ?",
      id,
      scope.accountId,
      scope.mode,
    );
    return r === undefined ? null : toDelivery(r);
  }

  async listAttempts(scope: Scope, deliveryId: string): Promise<Attempt[]> {
    if ((await this.getDelivery(scope, deliveryId)) === null) return [];
    return (this.#st.all("SELECT * FROM attempts WHERE delivery_id = ? ORDER BY seq DESC", deliveryId) as Row[]).map(
      toAttempt,
    );
  }

  async listDeliveries(scope: Scope, query: DeliveryQuery, page: PageQuery): Promise<Page<Delivery>> {
    const conds = ["t.account_id = @account", "t.mode = @mode"];
    const params: Row = { account: scope.accountId, mode: scope.mode };
    if (query.endpointId !== undefined) {
      conds.push("t.endpoint_id = @endpoint");
      params.endpoint = query.endpointId;
    }
    if (query.eventId !== undefined) {
      conds.push("t.event_id = @event");
      params.event = query.eventId;
    }
    if (query.status !== undefined) {
      conds.push("t.status = @status");
      params.status = query.status;
    }
    return paginate(this.db, "deliveries", conds.join(" AND "), params, page, toDelivery);
  }

  async resendDelivery(scope: Scope, id: string, now: number): Promise<Delivery | null> {
    this.#st.run(
      `UPDATE deliveries SET status = 'pending', next_attempt_at = @now, next_trigger = 'manual', lease_token = NULL,
         max_attempts = MAX(max_attempts, attempt_count + 1), updated = @now
       WHERE id = @id AND account_id = @account AND mode = @mode`,
      { id, now, account: scope.accountId, mode: scope.mode },
    );
    return this.getDelivery(scope, id);
  }

  async endpointStats(scope: Scope, endpointId: string, since: number): Promise<EndpointStats> {
    return endpointStats(this.#st, scope, endpointId, since);
  }

  async recoverDeliveries(scope: Scope, endpointId: string, since: number, now: number): Promise<number> {
    const r = this.#st.run(
      `UPDATE deliveries SET status = 'pending', next_attempt_at = @now, next_trigger = 'manual', lease_token = NULL,
         max_attempts = MAX(max_attempts, attempt_count + 1), updated = @now
       WHERE endpoint_id = @endpoint AND seq >= @from AND account_id = @account AND mode = @mode
         AND status IN ('failed', 'cancelled') AND created >= @since`,
      {
        endpoint: endpointId,
        account: scope.accountId,
        mode: scope.mode,
        since,
        now,
        from: firstSeqSince(this.#st, since),
      },
    );
    return r.changes;
  }

  // the queue

  async claimDeliveries(o: ClaimOptions): Promise<ClaimedDelivery[]> {
    const token = `${o.owner}:${++this.#leaseSeq}`;
    return queueWrite(this.db, () => {
      const rows = this.#st.all(
        `UPDATE deliveries SET next_attempt_at = @until, lease_token = @token, updated = @now
         WHERE seq IN (
           SELECT seq FROM (
             SELECT seq, endpoint_id FROM deliveries
             WHERE status = 'pending' AND next_attempt_at <= @now
             ORDER BY next_attempt_at LIMIT @window)
           WHERE endpoint_id NOT IN (SELECT value FROM json_each(@excluded))
           LIMIT @limit)
         RETURNING *`,
        {
          until: o.now + o.leaseMs,
          token,
          now: o.now,
          limit: o.limit,
          // Excluded (saturated) endpoints are skipped within a bounded
          // window of the oldest due rows: unbounded, a backlog that belongs
          // to saturated endpoints was walked whole on every claim
          // (measured: 85 ms at 200,000 due rows, 912 ms at 2,000,000).
          window: (o.excludeEndpointIds?.length ?? 0) === 0 ? o.limit : Math.max(o.limit, CLAIM_WINDOW),
          excluded: JSON.stringify(o.excludeEndpointIds ?? []),
        },
      ) as Row[];
      return this.#withContext(rows.map(toDelivery), token);
    });
  }

  /** Attaches each delivery's endpoint and event body (one lookup per distinct id). */
  #withContext(deliveries: Delivery[], token: string): ClaimedDelivery[] {
    const endpoints = new Map<string, Endpoint>();
    const bodies = new Map<string, string>();
    const out: ClaimedDelivery[] = [];
    for (const d of deliveries) {
      let endpoint = endpoints.get(d.endpointId);
      if (endpoint === undefined) {
        const r = this.#st.get("SELECT * FROM endpoints WHERE id = ?", d.endpointId);
        if (r === undefined) continue;
        endpoint = toEndpoint(r);
        endpoints.set(d.endpointId, endpoint);
      }
      let body = bodies.get(d.eventId);
      if (body === undefined) {
        body = this.#st.get("SELECT body FROM events WHERE id = ?", d.eventId)?.body as string;
        bodies.set(d.eventId, body);
      }
      out.push({ delivery: d, leaseToken: token, endpoint, body });
    }
    return out;
  }

  async renewLeases(
    _owner: string,
    leases: readonly { deliveryId: string; leaseToken: string }[],
    until: number,
  ): Promise<string[]> {
    const owned: string[] = [];
    queueWrite(this.db, () => {
      for (const l of leases) {
        const r = this.#st.run(
          "UPDATE deliveries SET next_attempt_at = ? WHERE id = ? AND lease_token = ? AND status = 'pending'",
          until,
          l.deliveryId,
          l.leaseToken,
        );
        if (r.changes > 0) owned.push(l.deliveryId);
      }
    });
    return owned;
  }

  /**
   * Frees every lease at start-up. Only right because the embedded store has
   * one process (see server/data-dir-lock.ts): whatever a killed predecessor
   * held is due again at once instead of after its lease.
   */
  releaseAllLeases(now: number): number {
    const freed = this.#st.run(
      "UPDATE deliveries SET next_attempt_at = MIN(next_attempt_at, ?), lease_token = NULL WHERE status = 'pending' AND lease_token IS NOT NULL",
      now,
    ).changes;
    // Parked deliveries waited for a lane of the process that died: due now.
    return freed + unparkAll(this.#st, now);
  }

  async claimParked(o: ParkedClaim): Promise<ClaimedDelivery[]> {
    const token = `${o.owner}:${++this.#leaseSeq}`;
    return queueWrite(this.db, () =>
      this.#withContext(claimParkedRows(this.#st, { ...o, token }).map(toDelivery), token),
    );
  }

  async releaseLeases(leases: readonly { deliveryId: string; leaseToken: string }[], now: number): Promise<void> {
    const tx = this.db.transaction(() => {
      for (const l of leases) {
        this.#st.run(
          "UPDATE deliveries SET next_attempt_at = ?, lease_token = NULL WHERE id = ? AND lease_token = ? AND status = 'pending'",
          now,
          l.deliveryId,
          l.leaseToken,
        );
      }
    });
    tx.immediate();
  }

  async recordOutcomes(outcomes: readonly DeliveryOutcome[], policy: HealthPolicy, now: number): Promise<RecordResult> {
    const result = queueWrite(this.db, () => recordBatch(this.#st, outcomes, policy, now));
    if (result.disabledEndpoints.length > 0) this.#subscribers.invalidate();
    return result;
  }

  async countDue(now: number): Promise<number> {
    return Number(
      this.#st.get(
        `SELECT (SELECT COUNT(*) FROM deliveries WHERE status = 'pending' AND next_attempt_at <= @now)
           + (SELECT COUNT(*) FROM deliveries WHERE status = 'pending' AND next_attempt_at = @parked) AS n`,
        { now, parked: PARKED_AT },
      )?.n,
    );
  }

  async oldestDueAt(now: number): Promise<number | null> {
    const at = this.#st.get(OLDEST_DUE_SQL, { now, parked: PARKED_AT })?.at;
    return at === null || at === undefined ? null : Number(at);
  }

  async onDue(_listener: () => void): Promise<() => Promise<void>> {
    // One process: whoever makes work due is the process that runs it.
    return async () => {};
  }

  async prune(before: number, batchSize: number): Promise<number> {
    const tx = this.db.transaction(() => {
      const ids = this.#st
        .all(
          `SELECT id FROM events e WHERE e.created < ?
             AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.event_id = e.id AND d.status = 'pending')
           ORDER BY e.created LIMIT ?`,
          before,
          batchSize,
        )
        .map((r) => r.id as string);
      if (ids.length > 0) {
        const list = JSON.stringify(ids);
        this.#st.run(
          `DELETE FROM attempts WHERE delivery_id IN
             (SELECT id FROM deliveries WHERE event_id IN (SELECT value FROM json_each(?)))`,
          list,
        );
        this.#st.run("DELETE FROM deliveries WHERE event_id IN (SELECT value FROM json_each(?))", list);
        this.#st.run("DELETE FROM events WHERE id IN (SELECT value FROM json_each(?))", list);
      }
      this.#st.run("DELETE FROM idempotency_keys WHERE created < ?", Date.now() - IDEMPOTENCY_TTL_MS);
      this.#st.run(dashboardTokens.PRUNE_DASHBOARD_TOKENS_SQL, Date.now());
      return ids.length;
    });
    return tx.immediate();
  }

  // event types

  async listCustomEventTypes(): Promise<EventType[]> {
    return this.#eventTypes.get("", () =>
      (this.#st.all("SELECT * FROM event_types ORDER BY grp, name") as Row[]).map((r) => ({
        name: r.name as string,
        description: r.description as string,
        group: r.grp as string,
        recommended: r.recommended === 1,
      })),
    );
  }

  async upsertEventType(t: EventType): Promise<void> {
    this.#eventTypes.clear();
    this.#st.run(
      `INSERT INTO event_types (name, description, grp, recommended) VALUES (?, ?, ?, ?)
       ON CONFLICT (name) DO UPDATE SET description = excluded.description, grp = excluded.grp, recommended = excluded.recommended`,
      t.name,
      t.description,
      t.group,
      t.recommended ? 1 : 0,
    );
  }

  // idempotency

  async beginIdempotent(scope: string, key: string, requestHash: string, now: number): Promise<IdempotencyBegin> {
    const tx = this.db.transaction((): IdempotencyBegin => {
      const r = this.#st.get("SELECT * FROM idempotency_keys WHERE scope = ? AND key = ?", scope, key);
      if (r !== undefined && Number(r.created) > now - IDEMPOTENCY_TTL_MS) {
        if (r.request_hash !== requestHash) return { state: "mismatch" };
        if (r.status === null) return { state: "in_progress" };
        return { state: "replay", status: Number(r.status), body: r.body as string };
      }
      this.#st.run(
        `INSERT INTO idempotency_keys (scope, key, request_hash, status, body, created) VALUES (?, ?, ?, NULL, NULL, ?)
         ON CONFLICT (scope, key) DO UPDATE SET request_hash = excluded.request_hash, status = NULL, body = NULL, created = excluded.created`,
        scope,
        key,
        requestHash,
        now,
      );
      return { state: "new" };
    });
    return tx.immediate();
  }

  async completeIdempotent(scope: string, key: string, status: number, body: string): Promise<void> {
    this.#st.run(
      "UPDATE idempotency_keys SET status = ?, body = ? WHERE scope = ? AND key = ?",
      status,
      body,
      scope,
      key,
    );
  }

  async abortIdempotent(scope: string, key: string): Promise<void> {
    this.#st.run("DELETE FROM idempotency_keys WHERE scope = ? AND key = ? AND status IS NULL", scope, key);
  }
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
