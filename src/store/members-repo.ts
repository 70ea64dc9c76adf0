// Who belongs to which workspace, and as what. Listing joins the user, so a page shows names and e-mails.
import type { Kysely } from 'kysely';
import { toTimestamp } from './columns.js';
import type { Database, WorkspaceRole } from './database.js';
import { decodeKeysetCursor, keysetPage, listLimit } from './keyset-cursor.js';

export interface MemberRecord {
  workspaceId: string;
  userId: string;
  email: string;
  name: string;
  role: WorkspaceRole;
  addedAt: string;
}

export interface MemberPage {
  items: MemberRecord[];
  nextCursor: string | null;
}

export async function insertMember(
  db: Kysely<Database>,
  m: { workspaceId: string; userId: string; role: WorkspaceRole; now?: Date },
): Promise<void> {
  await db
    .insertInto('workspace_members')
    .values({ workspace_id: m.workspaceId, user_id: m.userId, role: m.role, added_at: toTimestamp(m.now ?? new Date()) })
    .execute();
}

function memberQuery(db: Kysely<Database>, workspaceId: string) {
  return db
    .selectFrom('workspace_members as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select(['m.workspace_id', 'm.user_id', 'm.role', 'm.added_at', 'u.email', 'u.email_key', 'u.name'])
    .where('m.workspace_id', '=', workspaceId);
}

type MemberRow = Awaited<ReturnType<ReturnType<typeof memberQuery>['executeTakeFirstOrThrow']>>;

function rowToMember(row: MemberRow): MemberRecord {
  return { workspaceId: row.workspace_id, userId: row.user_id, email: row.email, name: row.name, role: row.role, addedAt: row.added_at };
}

export async function getMember(db: Kysely<Database>, workspaceId: string, userId: string): Promise<MemberRecord | undefined> {
  const row = await memberQuery(db, workspaceId).where('m.user_id', '=', userId).executeTakeFirst();
  return row ? rowToMember(row) : undefined;
}

/** Members ordered by e-mail (without regard to case). */
export async function listMembers(
  db: Kysely<Database>,
  o: { workspaceId: string; limit?: number; cursor?: string },
): Promise<MemberPage> {
  const limit = listLimit(o.limit);
  let query = memberQuery(db, o.workspaceId);
  if (o.cursor !== undefined) {
    const [key = '', id = ''] = decodeKeysetCursor(o.cursor, 2);
    query = query.where((eb) => eb.or([eb('u.email_key', '>', key), eb.and([eb('u.email_key', '=', key), eb('m.user_id', '>', id)])]));
  }
  const rows = await query.orderBy('u.email_key').orderBy('m.user_id').limit(limit + 1).execute();
  return keysetPage(rows, limit, rowToMember, (r) => [r.email_key, r.user_id]);
}

export async function setMemberRole(db: Kysely<Database>, workspaceId: string, userId: string, role: WorkspaceRole): Promise<boolean> {
  const result = await db
    .updateTable('workspace_members')
    .set({ role })
    .where('workspace_id', '=', workspaceId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function deleteMember(db: Kysely<Database>, workspaceId: string, userId: string): Promise<boolean> {
  const result = await db
    .deleteFrom('workspace_members')
    .where('workspace_id', '=', workspaceId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}

export async function countAdmins(db: Kysely<Database>, workspaceId: string): Promise<number> {
  const row = await db
    .selectFrom('workspace_members')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('workspace_id', '=', workspaceId)
    .where('role', '=', 'admin')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Every workspace the user belongs to, oldest membership first. */
export async function membershipsOf(db: Kysely<Database>, userId: string): Promise<Array<{ workspaceId: string; role: WorkspaceRole }>> {
  const rows = await db
    .selectFrom('workspace_members')
    .select(['workspace_id', 'role'])
    .where('user_id', '=', userId)
    .orderBy('added_at')
    .orderBy('workspace_id')
    .execute();
  return rows.map((r) => ({ workspaceId: r.workspace_id, role: r.role }));
}
