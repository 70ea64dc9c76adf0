// What the connection and repository routes share: the caller's workspace's connections, paging of lists the
// library returns whole, and who created a job.
import type { FastifyRequest } from 'fastify';
import type { ConnectionService } from '../../../connections/connection-service.js';
import { AzdoError } from '../../../errors/azdo-error.js';
import { STORE_CURSOR_INVALID } from '../../../store/store-errors.js';
import { principalOf } from '../../fastify-types.js';
import { DEFAULT_PAGE_SIZE, offsetCursor, readOffsetCursor } from '../../paging.js';

/** The connections of the workspace the request acts in: a workspace never sees another's. */
export function connectionsOf(request: FastifyRequest): ConnectionService {
  return request.server.ctx.connectionsFor(principalOf(request).workspaceId);
}

/** "user:{id}" or "token:{id}", as the jobs table records it. */
export function createdByOf(request: FastifyRequest): string {
  const p = principalOf(request);
  return p.via === 'token' && p.tokenId !== undefined ? `token:${p.tokenId}` : `user:${p.userId}`;
}

export function cursorInvalid(): AzdoError {
  return new AzdoError(
    STORE_CURSOR_INVALID,
    'The paging cursor is not one this service handed out.',
    'Start again from the first page, and pass back the cursor of the previous page unchanged.',
    { field: 'cursor' },
  );
}

/** The offset a cursor stands for (0 without one); AZDO_STORE_CURSOR_INVALID for one we did not make. */
export function offsetOf(cursor: string | undefined): number {
  const offset = readOffsetCursor(cursor);
  if (offset === undefined) throw cursorInvalid();
  return offset;
}

/**
 * One page of a list the library returns whole (Azure DevOps' organization-level listings are not paged): the
 * cursor is the offset of the next item.
 */
export function pageInMemory<T>(all: readonly T[], q: { limit?: number; cursor?: string }): { items: T[]; nextCursor: string | null } {
  const offset = offsetOf(q.cursor);
  const limit = q.limit ?? DEFAULT_PAGE_SIZE;
  const items = all.slice(offset, offset + limit);
  return { items, nextCursor: offset + limit < all.length ? offsetCursor(offset + limit) : null };
}

/**
 * For routes whose body fields are all optional: a POST without a body counts as `{}` (validation would refuse
 * `undefined` as not an object).
 */
export async function emptyBodyAsObject(request: FastifyRequest): Promise<void> {
  request.body ??= {};
}
