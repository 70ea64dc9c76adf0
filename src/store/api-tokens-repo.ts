// API tokens of a workspace. Only the SHA-256 of a token is stored; lists show its first characters instead.
import type { Kysely, Selectable } from 'kysely';
import { newId, toTimestamp } from './columns.js';
import type { ApiTokenScope, ApiTokensTable, Database, WorkspaceRole } from './database.js';
import { decodeKeysetCursor, keysetPage, listLimit } from './keyset-cursor.js';
import { rowToUser, type UserRecord } from './users-repo.js';

export interface ApiTokenRecord {
  id: string;
  workspaceId: string;
  name: string;
  prefix: string;
  scope: ApiTokenScope;
  createdBy: string;
  /** The creator's e-mail, for lists. */
  createdByEmail: string;
  createdAt: string;
  expiresAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export interface ApiTokenPage {
  items: ApiTokenRecord[];
  nextCursor: string | null;
}

type Row = Selectable<ApiTokensTable> & { creator_email: string };

function rowToToken(row: Row): ApiTokenRecord {
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    name: row.name,
    prefix: row.prefix,
    scope: row.scope,
    createdBy: row.created_by,
    createdByEmail: row.creator_email,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    lastUsedAt: row.last_used_at,
    revokedAt: row.revoked_at,
  };
}

function tokenQuery(db: Kysely<Database>) {
  return db.selectFrom('api_tokens as t').innerJoin('users as u', 'u.id', 't.created_by').selectAll('t').select('u.email as creator_email');
}

export async function insertApiToken(
  db: Kysely<Database>,
  t: { workspaceId: string; name: string; tokenHash: string; prefix: string; scope: ApiTokenScope; createdBy: string; createdAt: Date; expiresAt: Date },
): Promise<ApiTokenRecord> {
  const id = newId();
  await db
    .insertInto('api_tokens')
    .values({
      id,
      workspace_id: t.workspaceId,
      name: t.name,
      token_hash: t.tokenHash,
      prefix: t.prefix,
      scope: t.scope,
      created_by: t.createdBy,
      created_at: toTimestamp(t.createdAt),
      expires_at: toTimestamp(t.expiresAt),
      last_used_at: null,
      revoked_at: null,
    })
    .execute();
  const row = await tokenQuery(db).where('t.id', '=', id).executeTakeFirstOrThrow();
  return rowToToken(row);
}

/**
 * The token with this hash, whatever its state (the caller tells revoked and expired apart), with its creator and the creator's role in the token's workspace
 * (null when no longer a member): what authenticating a request needs, in one query.
 */
export async function findApiTokenWithCreator(
  db: Kysely<Database>,
  tokenHash: string,
): Promise<{ token: ApiTokenRecord; creator: UserRecord; memberRole: WorkspaceRole | null } | undefined> {
  const row = await tokenQuery(db)
    .leftJoin('workspace_members as m', (join) => join.onRef('m.workspace_id', '=', 't.workspace_id').onRef('m.user_id', '=', 't.created_by'))
    .select(['u.name as creator_name', 'u.is_admin as creator_is_admin', 'u.created_at as creator_created_at', 'u.disabled_at as creator_disabled_at', 'm.role as member_role'])
    .where('t.token_hash', '=', tokenHash)
    .executeTakeFirst();
  if (!row) return undefined;
  const creator = rowToUser({
    id: row.created_by,
    email: row.creator_email,
    name: row.creator_name,
    is_admin: row.creator_is_admin,
    created_at: row.creator_created_at,
    disabled_at: row.creator_disabled_at,
  });
  return { token: rowToToken(row), creator, memberRole: row.member_role };
}

export async function getApiToken(db: Kysely<Database>, workspaceId: string, id: string): Promise<ApiTokenRecord | undefined> {
  const row = await tokenQuery(db).where('t.workspace_id', '=', workspaceId).where('t.id', '=', id).executeTakeFirst();
  return row ? rowToToken(row) : undefined;
}

/** A workspace's tokens, newest first, revoked and expired ones included. */
export async function listApiTokens(db: Kysely<Database>, o: { workspaceId: string; limit?: number; cursor?: string }): Promise<ApiTokenPage> {
  const limit = listLimit(o.limit);
  let query = tokenQuery(db).where('t.workspace_id', '=', o.workspaceId);
  if (o.cursor !== undefined) {
    const [createdAt = '', id = ''] = decodeKeysetCursor(o.cursor, 2);
    query = query.where((eb) => eb.or([eb('t.created_at', '<', createdAt), eb.and([eb('t.created_at', '=', createdAt), eb('t.id', '<', id)])]));
  }
  const rows = await query.orderBy('t.created_at', 'desc').orderBy('t.id', 'desc').limit(limit + 1).execute();
  return keysetPage(rows, limit, rowToToken, (r) => [r.created_at, r.id]);
}

/** Revokes the token unless it already is; false when the workspace has no such token. */
export async function revokeApiToken(db: Kysely<Database>, workspaceId: string, id: string, at: Date): Promise<boolean> {
  await db
    .updateTable('api_tokens')
    .set({ revoked_at: toTimestamp(at) })
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .execute();
  return (await getApiToken(db, workspaceId, id)) !== undefined;
}

/** Revokes every token a user made in a workspace (when they leave it). */
export async function revokeApiTokensOf(db: Kysely<Database>, workspaceId: string, userId: string, at: Date): Promise<void> {
  await db
    .updateTable('api_tokens')
    .set({ revoked_at: toTimestamp(at) })
    .where('workspace_id', '=', workspaceId)
    .where('created_by', '=', userId)
    .where('revoked_at', 'is', null)
    .execute();
}

export async function touchApiToken(db: Kysely<Database>, id: string, at: Date): Promise<void> {
  await db.updateTable('api_tokens').set({ last_used_at: toTimestamp(at) }).where('id', '=', id).execute();
}
