// Browser sessions. The cookie holds the token; the row holds its SHA-256, found by that hash alone.
import type { Kysely } from 'kysely';
import { newId, toTimestamp } from './columns.js';
import type { Database } from './database.js';
import { rowToUser, type UserRecord } from './users-repo.js';

export interface SessionRecord {
  id: string;
  userId: string;
  createdAt: string;
  expiresAt: string;
  lastSeenAt: string;
}

export async function insertSession(
  db: Kysely<Database>,
  s: { tokenHash: string; userId: string; createdAt: Date; expiresAt: Date },
): Promise<SessionRecord> {
  const row = await db
    .insertInto('sessions')
    .values({
      id: newId(),
      token_hash: s.tokenHash,
      user_id: s.userId,
      created_at: toTimestamp(s.createdAt),
      expires_at: toTimestamp(s.expiresAt),
      last_seen_at: toTimestamp(s.createdAt),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return { id: row.id, userId: row.user_id, createdAt: row.created_at, expiresAt: row.expires_at, lastSeenAt: row.last_seen_at };
}

/** The session with this token hash and its user, expired or not (the caller decides). */
export async function findSession(db: Kysely<Database>, tokenHash: string): Promise<{ session: SessionRecord; user: UserRecord } | undefined> {
  const row = await db
    .selectFrom('sessions as s')
    .innerJoin('users as u', 'u.id', 's.user_id')
    .select(['s.id as session_id', 's.created_at as session_created_at', 's.expires_at', 's.last_seen_at'])
    .select(['u.id', 'u.email', 'u.name', 'u.is_admin', 'u.created_at', 'u.disabled_at'])
    .where('s.token_hash', '=', tokenHash)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    session: { id: row.session_id, userId: row.id, createdAt: row.session_created_at, expiresAt: row.expires_at, lastSeenAt: row.last_seen_at },
    user: rowToUser(row),
  };
}

export async function extendSession(db: Kysely<Database>, id: string, o: { lastSeenAt: Date; expiresAt: Date }): Promise<void> {
  await db
    .updateTable('sessions')
    .set({ last_seen_at: toTimestamp(o.lastSeenAt), expires_at: toTimestamp(o.expiresAt) })
    .where('id', '=', id)
    .execute();
}

export async function deleteSessionByHash(db: Kysely<Database>, tokenHash: string): Promise<void> {
  await db.deleteFrom('sessions').where('token_hash', '=', tokenHash).execute();
}

export async function deleteSessionsOfUser(db: Kysely<Database>, userId: string): Promise<void> {
  await db.deleteFrom('sessions').where('user_id', '=', userId).execute();
}

export async function deleteExpiredSessions(db: Kysely<Database>, now: Date): Promise<void> {
  await db.deleteFrom('sessions').where('expires_at', '<=', toTimestamp(now)).execute();
}
