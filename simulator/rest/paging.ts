import type { FastifyReply, FastifyRequest } from 'fastify';
import { AdoErrors } from '../http/ado-errors.js';

/**
 * Azure DevOps pages listings two ways (FACTS §2.2): `$top`/`$skip`, and an opaque token returned in the
 * `x-ms-continuationtoken` response header and sent back as `continuationToken`. Without `$top`, a page holds the
 * simulator's page size, kept small so that clients meet page boundaries in every test.
 */
export interface PageOptions {
  pageSize: number;
  /** The largest `$top` the endpoint accepts (refs: 1000). */
  maxTop?: number;
  /** Query parameter names; commits use `searchCriteria.$top`. */
  topParam?: string;
  skipParam?: string;
  /** Whether the endpoint hands out continuation tokens (commits, for one, only pages by $top/$skip). */
  tokens?: boolean;
  /** Projects use the number of items already fetched as their token (the spec types it as an integer). */
  numericTokens?: boolean;
}

export function encodeToken(offset: number): string {
  return Buffer.from(JSON.stringify({ o: offset })).toString('base64url');
}

export function decodeToken(token: string): number | undefined {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { o?: unknown };
    return typeof parsed.o === 'number' && Number.isInteger(parsed.o) && parsed.o >= 0 ? parsed.o : undefined;
  } catch {
    return undefined;
  }
}

function nonNegativeInt(name: string, raw: unknown): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw AdoErrors.invalidArgumentValue(name);
  return n;
}

export function pageOf<T>(items: readonly T[], request: FastifyRequest, reply: FastifyReply, o: PageOptions): T[] {
  const query = request.query as Record<string, unknown>;
  const topParam = o.topParam ?? '$top';
  const skipParam = o.skipParam ?? '$skip';
  const top = nonNegativeInt(topParam, query[topParam]);
  const skip = nonNegativeInt(skipParam, query[skipParam]) ?? 0;
  if (top !== undefined && o.maxTop !== undefined && top > o.maxTop) {
    throw AdoErrors.invalidArgumentValue(topParam, `The value of ${topParam} cannot be bigger than ${o.maxTop}.`);
  }
  let start = skip;
  const token = query['continuationToken'];
  if (o.tokens !== false && typeof token === 'string' && token !== '') {
    const offset = o.numericTokens ? (/^\d+$/.test(token) ? Number(token) : undefined) : decodeToken(token);
    if (offset === undefined) throw AdoErrors.invalidArgumentValue('continuationToken');
    start = offset;
  }
  const size = top ?? o.pageSize;
  const page = items.slice(start, start + size);
  if (o.tokens !== false && start + size < items.length) reply.header('x-ms-continuationtoken', o.numericTokens ? String(start + size) : encodeToken(start + size));
  return page;
}
