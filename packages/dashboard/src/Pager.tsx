import { useCallback, useState } from "react";
import { api, type List } from "./api";

type Cursor = { after?: string; before?: string; page: number };

export interface Paged<T> {
  data: T[] | null;
  error: string | null;
  /** Fetches the current page again (polling, after an action). */
  reload: () => Promise<void>;
  pager: PagerProps;
}

/**
 * A newest-first list walked with `starting_after` (older) and
 * `ending_before` (newer). `path` holds the filters: when it changes, the
 * list goes back to its first page, and every page keeps them.
 */
export function usePaged<T extends { id: string }>(path: string, limit: number): Paged<T> {
  const [state, setState] = useState<{ path: string; cursor: Cursor }>({ path, cursor: { page: 1 } });
  const [page, setPage] = useState<{ key: string; number: number; data: T[]; hasMore: boolean } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const cursor = state.path === path ? state.cursor : { page: 1 };
  const sep = path.includes("?") ? "&" : "?";
  const query =
    cursor.after !== undefined
      ? `&starting_after=${encodeURIComponent(cursor.after)}`
      : cursor.before !== undefined
        ? `&ending_before=${encodeURIComponent(cursor.before)}`
        : "";
  const url = `${path}${sep}limit=${limit}${query}`;
  const number = cursor.page;

  const reload = useCallback(async () => {
    try {
      const list = await api<List<T>>("GET", url);
      setPage({ key: url, number, data: list.data, hasMore: list.has_more });
      setError(null);
    } catch (err) {
      setError((err as Error).message);
    }
  }, [url, number]);

  // Until the new page arrives, the old one stays only if it belongs to these filters.
  const current = page !== null && (page.key === url || state.path === path) ? page : null;
  const data = current?.data ?? null;
  const hasOlder = current !== null && (cursor.before !== undefined || current.hasMore);
  const hasNewer = current !== null && (cursor.after !== undefined || (cursor.before !== undefined && current.hasMore));
  // Moves only from a page that has arrived: a second click while the next
  // page loads would otherwise count a page twice.
  const loaded = page?.key === url;
  const go = (next: Cursor) => {
    if (loaded) setState({ path, cursor: next });
  };
  return {
    data,
    error,
    reload,
    pager: {
      // The number of the page on screen: until the next page arrives, the
      // rows (and so the label) are still those of the one before.
      page: current?.number ?? cursor.page,
      hasOlder: hasOlder && (data?.length ?? 0) > 0,
      hasNewer: hasNewer && (data?.length ?? 0) > 0,
      older: () => {
        const last = data?.at(-1);
        if (last) go({ after: last.id, page: cursor.page + 1 });
      },
      newer: () => {
        const first = data?.[0];
        if (first) go(cursor.page <= 2 ? { page: 1 } : { before: first.id, page: cursor.page - 1 });
      },
    },
  };
}

export interface PagerProps {
  page: number;
  hasOlder: boolean;
  hasNewer: boolean;
  older: () => void;
  newer: () => void;
}

/**
 * Previous (newer) / Next (older) buttons. They stay focusable when there is
 * nothing that way (aria-disabled, not disabled), so keyboard focus is not
 * lost at either end.
 */
export function Pager({ label, pager }: { label: string; pager: PagerProps }) {
  if (!pager.hasOlder && !pager.hasNewer) return null;
  return (
    <nav className="pager" aria-label={`${label} pages`}>
      <button type="button" aria-disabled={!pager.hasNewer} onClick={() => pager.hasNewer && pager.newer()}>
        ← Previous page
      </button>
      <span aria-live="polite">Page {pager.page}</span>
      <button type="button" aria-disabled={!pager.hasOlder} onClick={() => pager.hasOlder && pager.older()}>
        Next page →
      </button>
    </nav>
  );
}
