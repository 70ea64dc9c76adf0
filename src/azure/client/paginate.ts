import { AzdoApiError, AzdoApiErrorCodes } from './azdo-api-error.js';
import type { AzdoResponse, QueryValue } from './types.js';

export interface PaginateOptions {
  query?: Record<string, QueryValue>;
  /**
   * Items per page, sent as `$top` (or `topParam`). With `topSkip` paging a shorter page ends the listing, so this
   * must not exceed what the endpoint allows. Default: the server's own page size (continuation), 100 (topSkip).
   */
  pageSize?: number;
  /**
   * `continuation` follows the `x-ms-continuationtoken` response header into `continuationToken` (projects, refs,
   * pull request commits); `topSkip` pages with `$top`/`$skip` until a short page (commits, pushes, pull requests).
   */
  style?: 'continuation' | 'topSkip';
  /** Commits take `searchCriteria.$top` and `searchCriteria.$skip`. */
  topParam?: string;
  skipParam?: string;
  apiVersion?: string | false;
  headers?: Record<string, string>;
}

/** Fetches one page; the client's `get`. */
export type PageGetter = (path: string, o: { query: Record<string, QueryValue>; apiVersion?: string | false; headers?: Record<string, string> }) => Promise<AzdoResponse<unknown>>;

const TOKEN_HEADER = 'x-ms-continuationtoken';

/** Unwraps the `{count, value}` envelope of Azure DevOps lists (FACTS §2); some endpoints answer a bare array. */
export function unwrapList<T>(response: AzdoResponse<unknown>): T[] {
  const data = response.data;
  if (Array.isArray(data)) return data as T[];
  if (data !== null && typeof data === 'object') {
    const value = (data as { value?: unknown }).value;
    if (Array.isArray(value)) return value as T[];
    // Server's ResourceAreas answers {"count":0,"value":null}: an empty list.
    if (value === null && (data as { count?: unknown }).count === 0) return [];
  }
  throw new AzdoApiError(
    AzdoApiErrorCodes.badResponse,
    'Azure DevOps answered a listing with something that is not a list.',
    'A proxy or a wrong URL may be answering instead of Azure DevOps: check that the connection URL is the organization or collection URL.',
    { status: response.status, request: { method: 'GET', url: response.url, headers: {} } },
  );
}

/** Pages of a listing, each unwrapped, fetched one after another as the caller asks for them. */
export async function* paginate<T>(get: PageGetter, path: string, o: PaginateOptions = {}): AsyncGenerator<T[], void, undefined> {
  const style = o.style ?? 'continuation';
  const topParam = o.topParam ?? '$top';
  const skipParam = o.skipParam ?? '$skip';
  const fixed = { ...(o.apiVersion !== undefined ? { apiVersion: o.apiVersion } : {}), ...(o.headers ? { headers: o.headers } : {}) };

  if (style === 'topSkip') {
    const top = o.pageSize ?? 100;
    for (let skip = 0; ; ) {
      const response = await get(path, { ...fixed, query: { ...o.query, [topParam]: top, [skipParam]: skip || undefined } });
      const page = unwrapList<T>(response);
      if (page.length > 0) yield page;
      if (page.length < top) return;
      skip += page.length;
    }
  }

  let token: string | undefined;
  const seen = new Set<string>();
  for (;;) {
    const query = { ...o.query, ...(o.pageSize !== undefined ? { [topParam]: o.pageSize } : {}), ...(token ? { continuationToken: token } : {}) };
    const response = await get(path, { ...fixed, query });
    const page = unwrapList<T>(response);
    if (page.length > 0) yield page;
    token = response.headers[TOKEN_HEADER] || undefined;
    if (token === undefined) return;
    if (seen.has(token)) {
      throw new AzdoApiError(
        AzdoApiErrorCodes.badResponse,
        'Azure DevOps handed out the same continuation token twice, so the listing would never end.',
        'Try again later; if it persists, the server or a proxy in front of it is caching answers it should not.',
        { status: response.status, request: { method: 'GET', url: response.url, headers: {} } },
      );
    }
    seen.add(token);
  }
}

export async function* items<T>(get: PageGetter, path: string, o: PaginateOptions = {}): AsyncGenerator<T, void, undefined> {
  for await (const page of paginate<T>(get, path, o)) yield* page;
}
