import { invalid } from "../domain/errors.js";
import type { Page, PageQuery } from "../store/store.js";

/** The querystring fields every list route accepts (see schemas/common.ts `PageQueryFields`). */
export interface ListParams {
  limit: number;
  starting_after?: string;
  ending_before?: string;
}

export function pageQuery(query: ListParams): PageQuery {
  if (query.starting_after !== undefined && query.ending_before !== undefined) {
    throw invalid(
      "parameter_invalid",
      "Pass either starting_after (next page) or ending_before (previous page), not both.",
      "ending_before",
    );
  }
  const page: PageQuery = { limit: query.limit };
  if (query.starting_after !== undefined) page.startingAfter = query.starting_after;
  if (query.ending_before !== undefined) page.endingBefore = query.ending_before;
  return page;
}

export interface ListJson<T> {
  object: "list";
  data: T[];
  has_more: boolean;
}

export function listJson<A, B>(page: Page<A>, map: (item: A) => B): ListJson<B> {
  return { object: "list", data: page.data.map(map), has_more: page.hasMore };
}
