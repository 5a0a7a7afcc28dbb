/**
 * Answers of small, hot, rarely written reads (API keys by hash, accounts,
 * custom event types), kept until this store writes what they hold.
 *
 * Every API request authenticates (two lookups) and every event checks its
 * type; measured in the ingest benchmark those reads were 14 % of the
 * server's CPU for rows that change a few times a month. Only correct
 * because the embedded store has one process and one connection
 * (server/data-dir-lock.ts), so every write passes through the store that
 * clears the cache. The PostgreSQL store, shared by processes, does not
 * cache: a revoked key must fail at once on every one of them.
 */
export class ReadCache<V> {
  readonly #entries = new Map<string, V>();
  readonly #max: number;

  /** `max`: entries kept before the cache starts over (an attacker's random keys must not grow it). Default 10,000. */
  constructor(max = 10_000) {
    this.#max = max;
  }

  get(key: string, load: () => V): V {
    if (this.#entries.has(key)) return this.#entries.get(key) as V;
    const value = load();
    if (this.#entries.size >= this.#max) this.#entries.clear();
    this.#entries.set(key, value);
    return value;
  }

  clear(): void {
    this.#entries.clear();
  }
}
