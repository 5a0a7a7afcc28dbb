/**
 * The events of one account and mode in the order they became visible, for
 * GET /v1/events/stream. Polls `Store.listEvents` (newest-first keyset pages
 * over `seq`), walking forward from an anchor with `ending_before`.
 *
 * Why an anchor and a settle window instead of "the last id sent": on
 * PostgreSQL `seq` is taken at insert, so two ingests committing out of order
 * can make a lower `seq` visible after a higher one was read. The anchor only
 * moves past events seen at least SETTLE_MS ago; events after it are read
 * again on every poll and de-duplicated by id, so a late commit inside the
 * window is still sent (after its neighbours). On SQLite (one writer, commit
 * order = `seq` order) the window only costs a re-read of a few rows.
 */
import type { HeraldEvent, Scope } from "../../domain/types.js";
import type { Store } from "../../store/store.js";

/** How long an event stays re-read after it was first seen. */
const SETTLE_MS = 5_000;
/** At most this many unsettled events are tracked; past it the anchor moves on regardless. */
const MAX_WINDOW = 250;
/** Rows read per poll at most; the rest come with the next poll. */
const MAX_SCAN = 500;
const PAGE = 100;
/** `after=beginning` replays at most this many of the newest events. */
export const MAX_REPLAY = 10_000;

export class EventFeed {
  readonly #store: Store;
  readonly #scope: Scope;
  readonly #wanted: (type: string) => boolean;
  readonly #now: () => number;
  /** Every event up to this one (in `seq` order) was sent; null = before the first event. */
  #anchor: string | null;
  /** Events after the anchor already sent (or skipped by the filter): id → first seen. */
  readonly #seen = new Map<string, number>();

  /**
   * @param anchor - start after this event id; null starts before the account's oldest
   *   event (at most MAX_REPLAY back)
   * @param wanted - which event types to return; the others are passed over
   */
  constructor(store: Store, scope: Scope, anchor: string | null, wanted: (type: string) => boolean, now = Date.now) {
    this.#store = store;
    this.#scope = scope;
    this.#anchor = anchor;
    this.#wanted = wanted;
    this.#now = now;
  }

  /** The newest event id of the scope now, or null when it has none: the anchor for "from now on". */
  static async newestId(store: Store, scope: Scope): Promise<string | null> {
    const page = await store.listEvents(scope, {}, { limit: 1 });
    return page.data[0]?.id ?? null;
  }

  /** Events not returned before, oldest first (at most MAX_SCAN rows are read per call). */
  async poll(): Promise<HeraldEvent[]> {
    const visible = this.#anchor === null ? await this.#fromBeginning() : await this.#after(this.#anchor);
    const now = this.#now();
    const fresh: HeraldEvent[] = [];
    for (const event of visible) {
      if (this.#seen.has(event.id)) continue;
      this.#seen.set(event.id, now);
      if (this.#wanted(event.type)) fresh.push(event);
    }
    this.#settle(visible, now);
    return fresh;
  }

  /** Moves the anchor over the oldest events that every later poll may skip. */
  #settle(ascending: readonly HeraldEvent[], now: number): void {
    for (const event of ascending) {
      const seenAt = this.#seen.get(event.id);
      if (seenAt === undefined) break;
      if (now - seenAt < SETTLE_MS && this.#seen.size <= MAX_WINDOW) break;
      this.#anchor = event.id;
      this.#seen.delete(event.id);
    }
    // An id still here long after it was seen belongs to an event that is no longer
    // listed (pruned): it would never settle and would hold a place in the window.
    for (const [id, seenAt] of this.#seen) {
      if (now - seenAt > 4 * SETTLE_MS) this.#seen.delete(id);
    }
  }

  /** Up to MAX_SCAN events after `anchor`, oldest first. */
  async #after(anchor: string): Promise<HeraldEvent[]> {
    const ascending: HeraldEvent[] = [];
    let cursor = anchor;
    for (;;) {
      const page = await this.#store.listEvents(this.#scope, {}, { limit: PAGE, endingBefore: cursor });
      const chunk = page.data.reverse();
      ascending.push(...chunk);
      const last = chunk.at(-1);
      if (!page.hasMore || last === undefined || ascending.length >= MAX_SCAN) return ascending;
      cursor = last.id;
    }
  }

  /**
   * The scope's events from its oldest (or the MAX_REPLAY-th newest), oldest first.
   * Lists are newest-first, so this walks back once; afterwards the anchor is set and
   * polls walk forward.
   */
  async #fromBeginning(): Promise<HeraldEvent[]> {
    const descending: HeraldEvent[] = [];
    let cursor: string | undefined;
    for (;;) {
      const page = await this.#store.listEvents(
        this.#scope,
        {},
        cursor === undefined ? { limit: PAGE } : { limit: PAGE, startingAfter: cursor },
      );
      descending.push(...page.data);
      cursor = page.data.at(-1)?.id;
      if (!page.hasMore || cursor === undefined || descending.length >= MAX_REPLAY) break;
    }
    return descending.reverse().slice(0, MAX_SCAN);
  }
}
