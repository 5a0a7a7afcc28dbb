/**
 * A tiny least-recently-used map with a fixed capacity.
 *
 * Used to remember derived signing keys per secret: a server holds a handful of thousand
 * live secrets at most, but an unbounded map would grow with every rotated or deleted one
 * for the life of the process.
 */
export class BoundedCache<K, V> {
  readonly #entries = new Map<K, V>();
  readonly #capacity: number;

  /** @param capacity - how many entries are kept before the least recently used is dropped */
  constructor(capacity: number) {
    if (!Number.isSafeInteger(capacity) || capacity < 1) {
      throw new RangeError(`capacity must be a positive integer, got ${capacity}`);
    }
    this.#capacity = capacity;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** Returns the cached value, computing and storing it on a miss. */
  getOrCreate(key: K, create: (key: K) => V): V {
    const entries = this.#entries;
    const hit = entries.get(key);
    if (hit !== undefined) {
      // A Map iterates in insertion order, so re-inserting moves the entry to the "newest"
      // end and the first key is always the least recently used one.
      entries.delete(key);
      entries.set(key, hit);
      return hit;
    }
    const value = create(key);
    if (entries.size >= this.#capacity) {
      const oldest = entries.keys().next();
      if (oldest.done !== true) entries.delete(oldest.value);
    }
    entries.set(key, value);
    return value;
  }

  clear(): void {
    this.#entries.clear();
  }
}
