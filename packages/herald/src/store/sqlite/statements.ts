import type { Database, Statement } from "better-sqlite3";
import type { Row } from "./rows.js";

/**
 * Prepared statements, compiled once per SQL text. Preparing costs more than
 * running a small statement, and the hot path (ingest, claim, record) runs
 * the same few statements tens of thousands of times a second.
 */
export class Statements {
  readonly #db: Database;
  readonly #cache = new Map<string, Statement>();

  constructor(db: Database) {
    this.#db = db;
  }

  prepare(sql: string): Statement {
    let s = this.#cache.get(sql);
    if (s === undefined) {
      s = this.#db.prepare(sql);
      this.#cache.set(sql, s);
    }
    return s;
  }

  get(sql: string, ...params: unknown[]): Row | undefined {
    return this.prepare(sql).get(...params) as Row | undefined;
  }

  all(sql: string, ...params: unknown[]): Row[] {
    return this.prepare(sql).all(...params) as Row[];
  }

  run(sql: string, ...params: unknown[]): { changes: number } {
    return this.prepare(sql).run(...params);
  }
}
