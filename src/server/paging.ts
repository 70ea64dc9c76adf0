// Cursor paging, the same on every list: `?limit=&cursor=` in, `{ items, nextCursor }` out. Cursors are opaque to
// callers; each list decides what it encodes (usually the last sort key).
import { Type, type TSchema } from '@sinclair/typebox';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 500;

export const PageQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE, description: 'Items per page.' })),
  cursor: Type.Optional(Type.String({ maxLength: 2000, description: 'nextCursor of the previous page.' })),
});

export function Page<T extends TSchema>(item: T, name: string) {
  return Type.Object(
    {
      items: Type.Array(item),
      nextCursor: Type.Union([Type.String(), Type.Null()], { description: 'Pass as cursor for the next page; null on the last page.' }),
    },
    { title: `${name}Page` },
  );
}

/** Opaque cursors for lists paged by position (e.g. commits of a branch): base64url of the offset. */
export function offsetCursor(offset: number): string {
  return Buffer.from(`o:${offset}`).toString('base64url');
}

export function readOffsetCursor(cursor: string | undefined): number | undefined {
  if (cursor === undefined) return 0;
  const match = /^o:(\d{1,9})$/.exec(Buffer.from(cursor, 'base64url').toString());
  return match ? Number(match[1]) : undefined;
}
