// Workspaces: each team's own connections, repositories, jobs, members and API tokens.
import { sql, type Kysely } from 'kysely';
import { newId, toTimestamp } from './columns.js';
import type { Database, WorkspaceRole } from './database.js';
import { decodeKeysetCursor, keysetPage, listLimit } from './keyset-cursor.js';

export interface WorkspaceRecord {
  id: string;
  name: string;
  createdAt: string;
}

export interface WorkspaceWithRole extends WorkspaceRecord {
  /** The member's role; undefined when listed for a service administrator who is not a member. */
  role: WorkspaceRole | undefined;
}

export interface WorkspacePage {
  items: WorkspaceWithRole[];
  nextCursor: string | null;
}

export async function insertWorkspace(db: Kysely<Database>, o: { name: string; now?: Date }): Promise<WorkspaceRecord> {
  const row = await db
    .insertInto('workspaces')
    .values({ id: newId(), name: o.name, created_at: toTimestamp(o.now ?? new Date()) })
    .returningAll()
    .executeTakeFirstOrThrow();
  return { id: row.id, name: row.name, createdAt: row.created_at };
}

export async function getWorkspace(db: Kysely<Database>, id: string): Promise<WorkspaceRecord | undefined> {
  const row = await db.selectFrom('workspaces').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? { id: row.id, name: row.name, createdAt: row.created_at } : undefined;
}

/** A workspace whose name equals `name` without regard to case. */
export async function findWorkspaceByName(db: Kysely<Database>, name: string): Promise<WorkspaceRecord | undefined> {
  const row = await db
    .selectFrom('workspaces')
    .selectAll()
    .where(sql<string>`lower(name)`, '=', name.trim().toLowerCase())
    .executeTakeFirst();
  return row ? { id: row.id, name: row.name, createdAt: row.created_at } : undefined;
}

/**
 * Workspaces in the order they were created: every one (`userId` undefined, for service administrators, with the
 * role they have as members, if any), or only those `userId` is a member of.
 */
export async function listWorkspaces(
  db: Kysely<Database>,
  o: { userId: string; all: boolean; limit?: number; cursor?: string },
): Promise<WorkspacePage> {
  const limit = listLimit(o.limit);
  let query = db
    .selectFrom('workspaces as w')
    .leftJoin('workspace_members as m', (join) => join.onRef('m.workspace_id', '=', 'w.id').on('m.user_id', '=', o.userId))
    .select(['w.id', 'w.name', 'w.created_at', 'm.role']);
  if (!o.all) query = query.where('m.user_id', 'is not', null);
  if (o.cursor !== undefined) {
    const [createdAt = '', id = ''] = decodeKeysetCursor(o.cursor, 2);
    query = query.where((eb) => eb.or([eb('w.created_at', '>', createdAt), eb.and([eb('w.created_at', '=', createdAt), eb('w.id', '>', id)])]));
  }
  const rows = await query.orderBy('w.created_at').orderBy('w.id').limit(limit + 1).execute();
  return keysetPage(
    rows,
    limit,
    (r) => ({ id: r.id, name: r.name, createdAt: r.created_at, role: r.role ?? undefined }),
    (r) => [r.created_at, r.id],
  );
}
