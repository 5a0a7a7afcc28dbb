/**
 * The storage seam. The API and the delivery engine see only this interface;
 * the SQLite and PostgreSQL backends are adapters behind it and pass one
 * contract suite (test/store/*.test.ts).
 *
 * Every method is async so that a networked backend fits without changes,
 * and every write that the contract calls durable has committed (fsync'd)
 * before its promise resolves.
 */
import type { AuditEntry, AuditQuery } from "../domain/audit.js";
import type { DashboardToken } from "../domain/dashboard-token.js";
import type { EndpointStats } from "../domain/endpoint-stats.js";
import type {
  Account,
  ApiKey,
  Attempt,
  Delivery,
  DeliveryStatus,
  Endpoint,
  EventType,
  HeraldEvent,
  Mode,
  Plan,
  Scope,
} from "../domain/types.js";

export interface PageQuery {
  /** 1–100. */
  limit: number;
  /** Return objects older than this id (newest first). */
  startingAfter?: string;
  /** Return objects newer than this id. */
  endingBefore?: string;
}

export interface Page<T> {
  data: T[];
  hasMore: boolean;
}

export interface NewEndpoint
  extends Omit<Endpoint, "consecutiveFailures" | "failingSince" | "updated" | "disabledReason"> {}

export type EndpointPatch = Partial<
  Pick<
    Endpoint,
    | "url"
    | "enabledEvents"
    | "description"
    | "metadata"
    | "status"
    | "disabledReason"
    | "rateLimit"
    | "maxInFlight"
    | "secrets"
  >
>;

/** The event to store plus how to fan it out. */
export interface IngestInput {
  event: HeraldEvent;
  /** Only this endpoint receives it (the `test` route); otherwise every subscribed, enabled endpoint. */
  onlyEndpointId?: string;
  /** The attempt budget each new delivery gets. */
  maxAttempts: number;
  /**
   * Write the new deliveries already leased to this owner and return them
   * claimed, so a local worker sends them without a claim round trip. Nothing
   * is handed over before the transaction has committed. On a shared store,
   * deliveries to endpoints with `max_in_flight` or `rate_limit` are written
   * unleased all the same: only the claim can keep those limits across processes.
   */
  leaseTo?: {
    owner: string;
    leaseMs: number;
    /**
     * Whether the local worker takes deliveries of this endpoint now (its
     * lane is not full). Default: all. A declined delivery is written
     * unleased: parked on a store with `claimParked` (the worker takes it
     * back with that method), due now on the others.
     */
    accepts?: (endpointId: string) => boolean;
  };
}

export interface IngestResult {
  event: HeraldEvent;
  /** True when an event with this id existed already: nothing new was written. */
  duplicate: boolean;
  deliveries: Delivery[];
  /** Filled when `leaseTo` was given. */
  claimed: ClaimedDelivery[];
}

/** A delivery a worker holds under a lease, with what it needs to send it. */
export interface ClaimedDelivery {
  delivery: Delivery;
  /** Proves ownership when the outcome is recorded. */
  leaseToken: string;
  endpoint: Endpoint;
  body: string;
}

export interface ClaimOptions {
  owner: string;
  limit: number;
  now: number;
  leaseMs: number;
  /** Endpoints whose local queue is full; their deliveries stay in the store. */
  excludeEndpointIds?: readonly string[];
}

/** Taking back deliveries that ingest parked because the worker's lane was full. */
export interface ParkedClaim {
  owner: string;
  endpointId: string;
  limit: number;
  now: number;
  leaseMs: number;
}

export type OutcomeResult =
  | { kind: "succeeded" }
  | { kind: "retry"; nextAttemptAt: number }
  /** No attempts left (or a manual attempt on a delivery with none left). */
  | { kind: "failed" };

export interface DeliveryOutcome {
  deliveryId: string;
  leaseToken: string;
  endpointId: string;
  attempt: Attempt;
  result: OutcomeResult;
  /** The receiver answered 410 Gone: disable the endpoint now. */
  gone: boolean;
}

/** When a failing endpoint is disabled by itself. */
export interface HealthPolicy {
  /** How long every attempt must have failed. Contract: 5 days. */
  failingForMs: number;
  /** And at least this many failures in a row. Contract: 20. */
  minConsecutiveFailures: number;
}

export interface RecordResult {
  /** Deliveries whose status this batch changed (the lease was still theirs). */
  applied: string[];
  /** Endpoints this batch disabled (410 or auto-disable), after the change. */
  disabledEndpoints: Endpoint[];
  /** Deliveries that ran out of attempts in this batch. */
  exhausted: Delivery[];
}

export interface EventQuery {
  /** Exact type, or a `prefix.*` pattern. */
  type?: string;
  /** true: every delivery succeeded; false: at least one failed or is retrying after a failure. */
  deliverySuccess?: boolean;
}

export interface DeliveryQuery {
  endpointId?: string;
  eventId?: string;
  status?: DeliveryStatus;
}

export type IdempotencyBegin =
  | { state: "new" }
  | { state: "replay"; status: number; body: string }
  | { state: "mismatch" }
  | { state: "in_progress" };

/** A new key replacing an old one (`rollApiKey`). */
export interface RolledKey {
  key: ApiKey;
  secretHash: string;
  audit: AuditEntry;
}

/** How many sealed values `resealSecrets` rewrote, by kind. */
export interface ResealCount {
  endpointSecrets: number;
  idempotentAnswers: number;
  settings: number;
}

export interface Store {
  /** Which backend this is. */
  readonly kind: "sqlite" | "postgres";
  /**
   * Whether several processes may share this store. A shared store must keep
   * per-endpoint `max_in_flight` and `rate_limit` across all of them (see
   * claimDeliveries) and the API must not hand deliveries of such endpoints
   * to a local worker at ingest.
   */
  readonly shared: boolean;
  /** Applies pending migrations (safe to call from several processes at once). */
  migrate(): Promise<void>;
  /** Throws when the store cannot be reached. */
  ping(): Promise<void>;
  close(): Promise<void>;

  // settings: small values the server keeps (admin token hash, operator secret, …)
  getSetting(name: string): Promise<string | null>;
  /** Sets `name` unless it exists; returns the value now stored. */
  setSettingIfAbsent(name: string, value: string): Promise<string>;
  setSetting(name: string, value: string): Promise<void>;

  // dashboard sign-in links and sessions (expired ones go in `prune`)
  /** Inserts, or for an existing hash updates its mode, CSRF token and expiry. */
  saveDashboardToken(token: DashboardToken): Promise<void>;
  getDashboardToken(hash: string): Promise<DashboardToken | null>;
  /** Marks an unused, unexpired link used and answers it; null for everyone else (atomic across processes). */
  useDashboardLink(hash: string, now: number): Promise<DashboardToken | null>;
  deleteDashboardToken(hash: string): Promise<void>;

  // accounts and keys
  createAccount(account: Account): Promise<Account>;
  getAccount(id: string): Promise<Account | null>;
  listAccounts(page: PageQuery): Promise<Page<Account>>;
  updateAccount(id: string, patch: { name?: string; plan?: Plan }): Promise<Account | null>;
  countAccounts(): Promise<number>;
  createApiKey(key: ApiKey, secretHash: string): Promise<ApiKey>;
  findApiKeyByHash(secretHash: string): Promise<ApiKey | null>;
  /**
   * The key with this hash and the account it belongs to, in one read: the
   * API authenticates every request with it (on PostgreSQL one round trip
   * instead of two). Null when either is missing.
   */
  findKeyOwner(secretHash: string): Promise<{ key: ApiKey; account: Account } | null>;
  /** An account's keys, newest first (revoked and expired ones included). */
  listApiKeys(accountId: string, page: PageQuery): Promise<Page<ApiKey>>;
  /**
   * Revokes the account's key now and appends the entry `audit(key)` gives in
   * the same transaction. A key revoked already keeps its first `revokedAt`
   * (and no entry is written). Null when the account has no such key.
   */
  revokeApiKey(
    accountId: string,
    keyId: string,
    now: number,
    audit: (key: ApiKey) => AuditEntry,
  ): Promise<ApiKey | null>;
  /**
   * Creates the key `next(old)` gives (of the old key's mode), makes the old
   * key expire at `expiresAt` (or keeps an earlier expiry it has) and appends
   * the entry, in one transaction. Throws `api_key_revoked`/`api_key_expired`
   * (400) for a key that is no longer usable; null when the account has no such key.
   */
  rollApiKey(
    accountId: string,
    keyId: string,
    expiresAt: number,
    next: (old: ApiKey) => RolledKey,
  ): Promise<{ old: ApiKey; next: ApiKey } | null>;

  // the audit log (never pruned: see docs/operations.md)
  appendAudit(entries: readonly AuditEntry[]): Promise<void>;
  /** Newest first. */
  listAuditLog(query: AuditQuery, page: PageQuery): Promise<Page<AuditEntry>>;

  /**
   * Rewrites every value sealed with the master key (endpoint secrets, also
   * rotated-out ones and those of deleted endpoints; stored idempotent
   * answers; sealed settings) as `reseal(value)`, in ONE transaction: either
   * all are sealed with the new key or none is. `reseal` throws to abort.
   */
  resealSecrets(reseal: (sealed: string) => string): Promise<ResealCount>;

  // endpoints (every read and write is scoped: another account or mode sees nothing)
  createEndpoint(endpoint: NewEndpoint, limitPerScope: number): Promise<Endpoint>;
  getEndpoint(scope: Scope, id: string): Promise<Endpoint | null>;
  listEndpoints(scope: Scope, page: PageQuery): Promise<Page<Endpoint>>;
  /** Disabling cancels the endpoint's pending deliveries in the same transaction. */
  updateEndpoint(scope: Scope, id: string, patch: EndpointPatch, now: number): Promise<Endpoint | null>;
  /** Soft delete: the endpoint disappears, its pending deliveries are cancelled, its log stays. */
  deleteEndpoint(scope: Scope, id: string, now: number): Promise<boolean>;

  // events and fan-out (the outbox)
  ingestEvent(input: IngestInput): Promise<IngestResult>;
  getEvent(scope: Scope, id: string): Promise<HeraldEvent | null>;
  listEvents(scope: Scope, query: EventQuery, page: PageQuery): Promise<Page<HeraldEvent>>;

  // deliveries and attempts
  getDelivery(scope: Scope, id: string): Promise<Delivery | null>;
  listAttempts(scope: Scope, deliveryId: string): Promise<Attempt[]>;
  listDeliveries(scope: Scope, query: DeliveryQuery, page: PageQuery): Promise<Page<Delivery>>;
  /** Queues a manual attempt now, whatever the status. */
  resendDelivery(scope: Scope, id: string, now: number): Promise<Delivery | null>;
  /** Queues a manual attempt for every failed or cancelled delivery of the endpoint created since `since`. */
  recoverDeliveries(scope: Scope, endpointId: string, since: number, now: number): Promise<number>;
  /** The endpoint's deliveries created since `since` and their attempts, in one aggregate query. */
  endpointStats(scope: Scope, endpointId: string, since: number): Promise<EndpointStats>;

  // the queue
  /**
   * Leases up to `limit` due deliveries, oldest due first. On a shared store,
   * an endpoint with `max_in_flight` never has more leased deliveries than
   * that, and one with `rate_limit` is granted no more than that many per
   * second (burst: one second's worth), counted across every process.
   */
  claimDeliveries(options: ClaimOptions): Promise<ClaimedDelivery[]>;
  /**
   * Leases up to `limit` of the endpoint's parked deliveries, oldest first
   * (fewer than `limit`: none are left). Only a store with one process parks
   * (the embedded one): a shared store writes declined deliveries due now,
   * for whichever process has room.
   */
  claimParked?(options: ParkedClaim): Promise<ClaimedDelivery[]>;
  /** Extends the leases this owner still holds; returns the ids it still owns. */
  renewLeases(
    owner: string,
    leases: readonly { deliveryId: string; leaseToken: string }[],
    until: number,
  ): Promise<string[]>;
  /** Gives leases back unsent (graceful shutdown): due again at `now`. */
  releaseLeases(leases: readonly { deliveryId: string; leaseToken: string }[], now: number): Promise<void>;
  /** Writes attempts and status changes of many deliveries in one transaction. */
  recordOutcomes(outcomes: readonly DeliveryOutcome[], policy: HealthPolicy, now: number): Promise<RecordResult>;
  /** Pending deliveries due by `now` (queue depth), for metrics and tests. */
  countDue(now: number): Promise<number>;
  /** When the longest-waiting pending delivery became due (unix ms), or null when none is due by `now`. */
  oldestDueAt(now: number): Promise<number | null>;
  /**
   * Calls `listener` when another process may have made work due (a hint:
   * polling stays the truth). Resolves to an unsubscribe function. A store
   * used by one process only may never call it.
   */
  onDue(listener: () => void): Promise<() => Promise<void>>;

  // retention
  /**
   * Deletes up to `batchSize` of the oldest events created before `before`
   * with their deliveries and attempts, and idempotency records older than
   * 24 h, and expired dashboard links and sessions. Events that still have
   * a pending delivery are kept until it ends.
   * Only one process prunes at a time (the others return 0 at once).
   * Returns how many events it deleted; call again until it returns 0.
   */
  prune(before: number, batchSize: number): Promise<number>;

  // event types the operator added to the built-in catalogue
  listCustomEventTypes(): Promise<EventType[]>;
  upsertEventType(type: EventType): Promise<void>;

  // Idempotency-Key records (24 h)
  beginIdempotent(scope: string, key: string, requestHash: string, now: number): Promise<IdempotencyBegin>;
  completeIdempotent(scope: string, key: string, status: number, body: string): Promise<void>;
  abortIdempotent(scope: string, key: string): Promise<void>;
}

export type { Mode };
