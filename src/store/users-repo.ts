// People who may sign in to the service. E-mail addresses are unique without regard to case (email_key).
import type { Kysely, Selectable } from 'kysely';
import { fromFlag, newId, toFlag, toTimestamp } from './columns.js';
import type { Database, UsersTable } from './database.js';

export interface UserRecord {
  id: string;
  email: string;
  name: string;
  /** An administrator of the whole service. */
  isAdmin: boolean;
  createdAt: string;
  disabledAt: string | null;
}

type UserRow = Selectable<UsersTable>;

export function emailKey(email: string): string {
  return email.trim().toLowerCase();
}

export function rowToUser(row: Pick<UserRow, 'id' | 'email' | 'name' | 'is_admin' | 'created_at' | 'disabled_at'>): UserRecord {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    isAdmin: fromFlag(row.is_admin),
    createdAt: row.created_at,
    disabledAt: row.disabled_at,
  };
}

/** Inserts a user; a unique violation on email_key (someone with that address exists) is left to the caller. */
export async function insertUser(
  db: Kysely<Database>,
  user: { email: string; name: string; isAdmin?: boolean; now?: Date },
): Promise<UserRecord> {
  const row = await db
    .insertInto('users')
    .values({
      id: newId(),
      email: user.email.trim(),
      email_key: emailKey(user.email),
      name: user.name,
      is_admin: toFlag(user.isAdmin ?? false),
      created_at: toTimestamp(user.now ?? new Date()),
      disabled_at: null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return rowToUser(row);
}

export async function getUser(db: Kysely<Database>, id: string): Promise<UserRecord | undefined> {
  const row = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? rowToUser(row) : undefined;
}

export async function getUserByEmail(db: Kysely<Database>, email: string): Promise<UserRecord | undefined> {
  const row = await db.selectFrom('users').selectAll().where('email_key', '=', emailKey(email)).executeTakeFirst();
  return row ? rowToUser(row) : undefined;
}

export async function countUsers(db: Kysely<Database>): Promise<number> {
  const row = await db.selectFrom('users').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Disables (a date) or enables (null) a user; false when there is no such user. */
export async function setUserDisabled(db: Kysely<Database>, id: string, disabledAt: Date | null): Promise<boolean> {
  const result = await db
    .updateTable('users')
    .set({ disabled_at: disabledAt ? toTimestamp(disabledAt) : null })
    .where('id', '=', id)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
