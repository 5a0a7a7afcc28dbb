/**
 * What an idempotency record says about an event id.
 *
 * - `processing`: a handler is working on it now (or crashed doing so; the record then
 *   expires after the processing timeout and a redelivery runs again).
 * - `done`: it was handled; redeliveries are dropped until the record expires.
 */
export type IdempotencyState = "processing" | "done";

/** A value or a promise of it: in-memory stores answer at once, networked ones do not. */
export type MaybePromise<T> = T | Promise<T>;

/**
 * Where processed event ids are remembered. The in-memory {@link MemoryIdempotencyStore} is the
 * default; a receiver running several processes plugs in a shared one (Redis, SQL): see
 * `examples/idempotency-sqlite` for a complete store on SQLite.
 *
 * Keys arrive already prefixed; a store needs no knowledge of webhooks.
 */
export interface IdempotencyStore {
  /**
   * Records `key` as `processing` for `ttlMs` unless a record for it exists and has not
   * expired. Answers the existing record's state, or `null` when this call created it.
   * Must be atomic: of two concurrent claims of one key, exactly one gets `null`
   * (Redis `SET key processing NX PX ttl`; SQL `INSERT … ON CONFLICT DO NOTHING`).
   */
  claim(key: string, ttlMs: number): MaybePromise<IdempotencyState | null>;
  /** Marks `key` as `done`, kept for `ttlMs`. */
  complete(key: string, ttlMs: number): MaybePromise<void>;
  /** Forgets `key`: its handling failed and a redelivery must run again. */
  release(key: string): MaybePromise<void>;
}
