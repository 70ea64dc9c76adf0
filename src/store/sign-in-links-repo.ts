// One-time sign-in links. Only the SHA-256 of a link's token is stored, and a link is used by one conditional
// update, so two requests racing with the same link cannot both sign in.
import type { Kysely } from 'kysely';
import { newId, toTimestamp } from './columns.js';
import type { Database, SignInLinkPurpose } from './database.js';

export async function insertSignInLink(
  db: Kysely<Database>,
  link: { tokenHash: string; userId: string; purpose: SignInLinkPurpose; createdBy: string | null; createdAt: Date; expiresAt: Date },
): Promise<void> {
  await db
    .insertInto('sign_in_links')
    .values({
      id: newId(),
      token_hash: link.tokenHash,
      user_id: link.userId,
      purpose: link.purpose,
      created_by: link.createdBy,
      created_at: toTimestamp(link.createdAt),
      expires_at: toTimestamp(link.expiresAt),
      used_at: null,
    })
    .execute();
}

/** Marks the link used if it is unused and unexpired; its user and purpose, or undefined (unknown, used, expired). */
export async function useSignInLink(
  db: Kysely<Database>,
  tokenHash: string,
  now: Date,
): Promise<{ userId: string; purpose: SignInLinkPurpose } | undefined> {
  const at = toTimestamp(now);
  const row = await db
    .updateTable('sign_in_links')
    .set({ used_at: at })
    .where('token_hash', '=', tokenHash)
    .where('used_at', 'is', null)
    .where('expires_at', '>', at)
    .returning(['user_id', 'purpose'])
    .executeTakeFirst();
  return row ? { userId: row.user_id, purpose: row.purpose } : undefined;
}

/** Withdraws a user's unused links, so only the newest one made for them works. */
export async function deleteOpenSignInLinks(db: Kysely<Database>, userId: string): Promise<void> {
  await db.deleteFrom('sign_in_links').where('user_id', '=', userId).where('used_at', 'is', null).execute();
}

/** Forgets links that can no longer be used (expired, or used a day ago). */
export async function deleteStaleSignInLinks(db: Kysely<Database>, now: Date): Promise<void> {
  const dayAgo = toTimestamp(new Date(now.getTime() - 24 * 3600_000));
  await db
    .deleteFrom('sign_in_links')
    .where((eb) => eb.or([eb('expires_at', '<=', toTimestamp(now)), eb('used_at', '<=', dayAgo)]))
    .execute();
}
