import type { Pool } from "pg";
import type { Page, PageQuery } from "../store.js";
import type { Row } from "./rows.js";

/** Collects positional parameters while a query is built: `p.add(v)` returns `$n`. */
export class Params {
  readonly values: unknown[] = [];

  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/**
 * Newest-first keyset pagination over a table's `seq`, as the SQLite
 * adapter does it. `where` is a SQL condition on the table (aliased `t`)
 * whose parameters are in `params`. An unknown cursor id yields an empty
 * page; a cursor from another scope only positions the page, the rows shown
 * always satisfy `where`.
 */
export async function paginate<T>(
  pool: Pool,
  table: string,
  where: string,
  params: Params,
  page: PageQuery,
  map: (r: Row) => T,
): Promise<Page<T>> {
  const limit = page.limit;
  const cursor = page.startingAfter ?? page.endingBefore;
  if (page.endingBefore !== undefined) {
    const sql = `SELECT t.* FROM ${table} t WHERE ${where}
      AND t.seq > (SELECT c.seq FROM ${table} c WHERE c.id = ${params.add(cursor)})
      ORDER BY t.seq ASC LIMIT ${params.add(limit + 1)}`;
    const rows = (await pool.query(sql, params.values)).rows as Row[];
    return { data: rows.slice(0, limit).reverse().map(map), hasMore: rows.length > limit };
  }
  const after =
    cursor === undefined ? "" : `AND t.seq < (SELECT c.seq FROM ${table} c WHERE c.id = ${params.add(cursor)})`;
  const sql = `SELECT t.* FROM ${table} t WHERE ${where} ${after} ORDER BY t.seq DESC LIMIT ${params.add(limit + 1)}`;
  const rows = (await pool.query(sql, params.values)).rows as Row[];
  return { data: rows.slice(0, limit).map(map), hasMore: rows.length > limit };
}
