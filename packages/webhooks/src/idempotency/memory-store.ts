import type { IdempotencyState, IdempotencyStore } from "./store.js";

/** Options of {@link MemoryIdempotencyStore}. */
export interface MemoryIdempotencyStoreOptions {
  /**
   * How many records are kept at most. When full, the oldest record is dropped first, so a
   * redelivery of a very old event could run again: size it above the number of events the
   * receiver gets within the idempotency TTL. Default `100_000` (about 10 MiB).
   */
  maxEntries?: number;
  /** The current time in ms, for tests. Default `Date.now`. */
  now?: () => number;
}

interface Entry {
  state: IdempotencyState;
  expiresAt: number;
}

/** How many expired records a claim removes from the oldest end, at most. */
const SWEEP_PER_CLAIM = 8;

/**
 * The default {@link IdempotencyStore}: a bounded map with per-record expiry, in this process
 * only. Records are lost on restart and not shared between processes; use a shared store
 * when the receiver runs more than one.
 */
export class MemoryIdempotencyStore implements IdempotencyStore {
  readonly #entries = new Map<string, Entry>();
  readonly #maxEntries: number;
  readonly #now: () => number;

  constructor(options: MemoryIdempotencyStoreOptions = {}) {
    const maxEntries = options.maxEntries ?? 100_000;
    if (!Number.isSafeInteger(maxEntries) || maxEntries < 1) {
      throw new RangeError(`maxEntries must be a positive integer, got ${maxEntries}`);
    }
    this.#maxEntries = maxEntries;
    this.#now = options.now ?? Date.now;
  }

  /** Records held now, expired ones not yet swept included. */
  get size(): number {
    return this.#entries.size;
  }

  claim(key: string, ttlMs: number): IdempotencyState | null {
    const now = this.#now();
    this.#sweep(now);
    const existing = this.#entries.get(key);
    if (existing !== undefined && existing.expiresAt > now) return existing.state;
    this.#set(key, { state: "processing", expiresAt: now + ttlMs });
    return null;
  }

  complete(key: string, ttlMs: number): void {
    this.#set(key, { state: "done", expiresAt: this.#now() + ttlMs });
  }

  release(key: string): void {
    this.#entries.delete(key);
  }

  #set(key: string, entry: Entry): void {
    // Re-inserting moves the key to the newest end, so the map stays ordered by last write
    // and the first key is always the one to drop when full.
    this.#entries.delete(key);
    while (this.#entries.size >= this.#maxEntries) {
      const oldest = this.#entries.keys().next();
      if (oldest.done === true) break;
      this.#entries.delete(oldest.value);
    }
    this.#entries.set(key, entry);
  }

  /**
   * Drops a few expired records from the oldest end. Records are not strictly ordered by
   * expiry (processing records live shorter than done ones), so this is a cheap, amortised
   * clean-up; the bound on size is what caps memory.
   */
  #sweep(now: number): void {
    let budget = SWEEP_PER_CLAIM;
    for (const [key, entry] of this.#entries) {
      if (budget-- === 0 || entry.expiresAt > now) return;
      this.#entries.delete(key);
    }
  }
}
