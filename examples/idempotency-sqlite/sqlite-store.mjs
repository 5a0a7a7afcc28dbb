/**
 * An IdempotencyStore for @herald/webhooks on SQLite (better-sqlite3), so the ids of handled
 * webhooks survive a restart and are shared by every process that opens the same file.
 *
 *   const idempotency = new WebhookIdempotency({ store: new SqliteIdempotencyStore("webhooks.db") });
 *
 * The same three statements port to PostgreSQL or MySQL; on Redis, claim is
 * `SET key processing NX PX ttl` (then GET when it answers nil), complete is
 * `SET key done PX ttl`, release is `DEL key`.
 */
import Database from "better-sqlite3";

export class SqliteIdempotencyStore {
  #db;
  #claim;
  #state;
  #complete;
  #release;
  #prune;

  /** @param {string} path - the database file (created if missing), or ":memory:" */
  constructor(path) {
    this.#db = new Database(path);
    this.#db.pragma("journal_mode = WAL");
    // Several processes may claim at once; each waits up to 5 s for the write lock.
    this.#db.pragma("busy_timeout = 5000");
    this.#db.exec(`CREATE TABLE IF NOT EXISTS webhook_idempotency (
      key TEXT PRIMARY KEY,
      state TEXT NOT NULL CHECK (state IN ('processing', 'done')),
      expires_at INTEGER NOT NULL
    )`);
    // One statement, so it is atomic across processes: it inserts a new key, or takes over
    // an expired record, and changes nothing when a live record exists.
    this.#claim = this.#db.prepare(`INSERT INTO webhook_idempotency (key, state, expires_at)
      VALUES (@key, 'processing', @expiresAt)
      ON CONFLICT (key) DO UPDATE SET state = 'processing', expires_at = excluded.expires_at
      WHERE webhook_idempotency.expires_at <= @now`);
    this.#state = this.#db.prepare("SELECT state FROM webhook_idempotency WHERE key = ?").pluck();
    this.#complete = this.#db.prepare(`INSERT INTO webhook_idempotency (key, state, expires_at)
      VALUES (@key, 'done', @expiresAt)
      ON CONFLICT (key) DO UPDATE SET state = 'done', expires_at = excluded.expires_at`);
    this.#release = this.#db.prepare("DELETE FROM webhook_idempotency WHERE key = ?");
    this.#prune = this.#db.prepare("DELETE FROM webhook_idempotency WHERE expires_at <= ?");
  }

  /** @returns {"processing" | "done" | null} null when this call claimed the key */
  claim(key, ttlMs) {
    const now = Date.now();
    if (this.#claim.run({ key, now, expiresAt: now + ttlMs }).changes === 1) return null;
    return this.#state.get(key) ?? "processing";
  }

  complete(key, ttlMs) {
    this.#complete.run({ key, expiresAt: Date.now() + ttlMs });
  }

  release(key) {
    this.#release.run(key);
  }

  /** Deletes expired records; run it now and then (e.g. hourly). Returns how many. */
  prune() {
    return this.#prune.run(Date.now()).changes;
  }

  close() {
    this.#db.close();
  }
}
