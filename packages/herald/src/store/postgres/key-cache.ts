import type { Account, ApiKey } from "../../domain/types.js";
import { ChannelListener, KEYS_CHANNEL } from "./notify.js";

export type KeyOwner = { key: ApiKey; account: Account };

/**
 * API keys with their accounts, by secret hash, for the PostgreSQL store.
 * Every API request authenticates; without this each one cost a round trip
 * to the database (measured: the ingest benchmark's API process made one
 * per request, against one per batch of events for the ingest itself).
 *
 * The store is shared by processes, so an entry is trusted only while this
 * process is LISTENing on KEYS_CHANNEL, which every transaction that
 * changes a key or an account notifies at commit: a notification empties
 * the cache, a lost connection empties and bypasses it until the listener
 * is back. Entries also expire after `ttlMs`, in case a writer outside
 * Herald changes the rows. Unknown hashes are never cached: a key created
 * by another process works at once, and random keys cannot fill the map.
 */
export class KeyOwnerCache {
  readonly #entries = new Map<string, { owner: KeyOwner; at: number }>();
  readonly #ttlMs: number;
  readonly #max: number;
  #listener: ChannelListener | null = null;
  #live = false;
  /** Bumped by every reset, so a read that straddles one is not kept. */
  #generation = 0;

  /** `ttlMs` default 5 000; `max` entries before the cache starts over, default 10 000. */
  constructor(ttlMs = 5_000, max = 10_000) {
    this.#ttlMs = ttlMs;
    this.#max = max;
  }

  /** LISTENs on a dedicated connection; until this resolves the cache is bypassed. */
  async start(url: string): Promise<void> {
    const listener = new ChannelListener(url, () => this.#reset(true), {
      channel: KEYS_CHANNEL,
      applicationName: "herald-listen-keys",
      onLost: () => this.#reset(false),
    });
    await listener.start();
    this.#listener = listener;
    this.#live = true;
  }

  async stop(): Promise<void> {
    this.#reset(false);
    await this.#listener?.stop();
    this.#listener = null;
  }

  async get(secretHash: string, now: number, load: () => Promise<KeyOwner | null>): Promise<KeyOwner | null> {
    const hit = this.#entries.get(secretHash);
    if (hit !== undefined && now - hit.at < this.#ttlMs) return hit.owner;
    // Taken before the read: a notification that arrives while it runs
    // resets the cache, and this answer (maybe older) is not kept.
    const generation = this.#generation;
    const owner = await load();
    if (owner !== null && this.#live && generation === this.#generation) {
      if (this.#entries.size >= this.#max) this.#entries.clear();
      this.#entries.set(secretHash, { owner, at: now });
    }
    return owner;
  }

  /** This process changed a key or an account: forget at once, before the notification comes back. */
  clear(): void {
    this.#reset(this.#live);
  }

  #reset(live: boolean): void {
    this.#generation++;
    this.#entries.clear();
    this.#live = live;
  }
}
