import type { Endpoint, Mode } from "../../domain/types.js";
import { ReadCache } from "./read-cache.js";
import { toEndpoint } from "./rows.js";
import type { Statements } from "./statements.js";

/**
 * The enabled endpoints of each account and mode, as ingest fans out to
 * them. Reading and parsing every endpoint row of the scope for every event
 * (its events, metadata and secrets are JSON) was 3 % of the server's CPU in
 * the fan-out benchmark, for rows that change a few times a day.
 *
 * Only correct because the embedded store has one process and one
 * connection (server/data-dir-lock.ts): every endpoint write goes through
 * this store, which calls `invalidate()` after it. The PostgreSQL store,
 * shared by many processes, does not cache.
 */
export class SubscriberCache {
  readonly #byScope = new ReadCache<readonly Endpoint[]>();

  /** Call after any write that may change an endpoint (create, update, delete, disable). */
  invalidate(): void {
    this.#byScope.clear();
  }

  /** Enabled, not deleted endpoints of the scope, oldest first. Treat them as read-only. */
  enabled(st: Statements, accountId: string, mode: Mode): readonly Endpoint[] {
    return this.#byScope.get(`${accountId}\u0000${mode}`, () =>
      st
        .all(
          "SELECT * FROM endpoints WHERE account_id = ? AND mode = ? AND status = 'enabled' AND deleted_at IS NULL ORDER BY seq",
          accountId,
          mode,
        )
        .map(toEndpoint),
    );
  }
}
