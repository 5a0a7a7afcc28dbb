import type { Database } from "better-sqlite3";
import type { Page, PageQuery } from "../store.js";
import type { Row } from "./rows.js";

/**
 * Newest-first keyset pagination over a table's `seq`. `where` is a SQL
 * condition on the table (aliased `t`) with named parameters in `params`.
 * An unknown cursor id yields an empty page; a cursor from another scope
 * only positions the page, the rows shown always satisfy `where`.
 */
export function paginate<T>(
  db: Database,
  table: string,
  where: string,
  params: Row,
  page: PageQuery,
  map: (r: Row) => T,
): Page<T> {
  const limit = page.limit;
  const args = { ...params, cursor: page.startingAfter ?? page.endingBefore ?? null, lim: limit + 1 };
  let rows: Row[];
  if (page.endingBefore !== undefined) {
    rows = db
      .prepare(
        `SELECT t.* FROM ${table} t WHERE ${where} AND t.seq > (SELECT c.seq FROM ${table} c WHERE c.id = @cursor)
         ORDER BY t.seq ASC LIMIT @lim`,
      )
      .all(args) as Row[];
    const hasMore = rows.length > limit;
    return { data: rows.slice(0, limit).reverse().map(map), hasMore };
  }
  const after =
    page.startingAfter !== undefined ? `AND t.seq < (SELECT c.seq FROM ${table} c WHERE c.id = @cursor)` : "";
  rows = db
    .prepare(`SELECT t.* FROM ${table} t WHERE ${where} ${after} ORDER BY t.seq DESC LIMIT @lim`)
    .all(args) as Row[];
  return { data: rows.slice(0, limit).map(map), hasMore: rows.length > limit };
}
