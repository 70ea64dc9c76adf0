// Opaque cursors for lists paged by a sort key ("keyset" paging): the last row's key values, base64url JSON.
// Unlike offsets, rows added or removed between two pages neither repeat nor skip others.
import { AzdoError } from '../errors/azdo-error.js';
import { STORE_CURSOR_INVALID } from './store-errors.js';

export const DEFAULT_LIST_SIZE = 50;
export const MAX_LIST_SIZE = 500;

/** The page size asked for, within 1..500 (50 when not given). */
export function listLimit(limit: number | undefined): number {
  const asked = Math.trunc(limit ?? DEFAULT_LIST_SIZE);
  return Number.isFinite(asked) ? Math.min(Math.max(asked, 1), MAX_LIST_SIZE) : DEFAULT_LIST_SIZE;
}

export function encodeKeysetCursor(values: readonly string[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

/** The key values of a cursor made by encodeKeysetCursor with `count` values; AZDO_STORE_CURSOR_INVALID otherwise. */
export function decodeKeysetCursor(cursor: string, count: number): string[] {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === count && value.every((v) => typeof v === 'string')) return value as string[];
  } catch {
    // Falls through: the cause is the same either way.
  }
  throw new AzdoError(
    STORE_CURSOR_INVALID,
    'The paging cursor is not one this service handed out.',
    'Start again from the first page, and pass back the cursor of the previous page unchanged.',
  );
}

/** Splits the limit+1 rows a keyset query fetched into the page and the cursor of the next one. */
export function keysetPage<R, T>(rows: R[], limit: number, toItem: (row: R) => T, keyOf: (row: R) => string[]): { items: T[]; nextCursor: string | null } {
  const pageRows = rows.slice(0, limit);
  const last = pageRows[pageRows.length - 1];
  return { items: pageRows.map(toItem), nextCursor: rows.length > limit && last ? encodeKeysetCursor(keyOf(last)) : null };
}
