// A list the service pages with a cursor (connections, jobs, commits): the pages fetched so far as one list, and the
// next page on demand (LoadMore). '' is the first page's cursor; the API client leaves an empty cursor out.
import { keepPreviousData, useInfiniteQuery, type QueryKey } from '@tanstack/react-query';

export interface CursorPage<T> {
  items: T[];
  nextCursor?: string | null | undefined;
}

export function useCursorList<P extends CursorPage<unknown>, T = P['items'][number]>(o: {
  queryKey: QueryKey;
  fetchPage: (cursor: string) => Promise<P>;
  /** Keep showing the previous list while a changed filter loads (a search box keeps its focus). */
  keepPrevious?: boolean;
  /** How often to refresh, decided from what is shown; false leaves it alone. */
  refetchInterval?: (items: T[]) => number | false;
}) {
  const { refetchInterval } = o;
  const query = useInfiniteQuery({
    queryKey: o.queryKey,
    queryFn: ({ pageParam }) => o.fetchPage(pageParam),
    initialPageParam: '',
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: o.keepPrevious ? keepPreviousData : undefined,
    refetchInterval: refetchInterval ? (q) => refetchInterval(itemsOf<T>(q.state.data?.pages)) : false,
  });
  const items = itemsOf<T>(query.data?.pages);
  return { query, items, firstPage: query.data?.pages[0] };
}

/** Every page's items, in order (P['items'] is T[]; the compiler sees only its constraint, unknown[]). */
function itemsOf<T>(pages: ReadonlyArray<CursorPage<unknown>> | undefined): T[] {
  return (pages ?? []).flatMap((p) => p.items) as T[];
}
