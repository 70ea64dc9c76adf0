// Passwordless sign-in: a one-time link opens a session. Links last 24 hours when they invite someone (or are the
// first administrator's), 1 hour when made again for someone who lost their session. A session ends after 12 hours
// without use and 7 days after sign-in at the latest; using it moves the 12 hours on.
import type { Kysely } from 'kysely';
import type { Database, SignInLinkPurpose } from '../store/database.js';
import { deleteExpiredSessions, extendSession, findSession, insertSession, type SessionRecord } from '../store/sessions-repo.js';
import { deleteOpenSignInLinks, deleteStaleSignInLinks, insertSignInLink, useSignInLink } from '../store/sign-in-links-repo.js';
import { getUser, type UserRecord } from '../store/users-repo.js';
import { accessDenied, authRequired, signInLinkInvalid } from './access-errors.js';
import { DAY_MS, HOUR_MS, type AccessDeps } from './access-deps.js';
import type { NewSession, SignInLink } from './access-service.js';
import { userView } from './access-views.js';
import { hashSecretToken, newSecretToken } from './secret-tokens.js';

export const LINK_TTL_MS: Record<SignInLinkPurpose, number> = {
  'first-admin': DAY_MS,
  invite: DAY_MS,
  'sign-in': HOUR_MS,
};
/** Longest a link may be made to last (the CLI may ask for other lengths). */
export const MAX_LINK_TTL_MS = 7 * DAY_MS;
export const SESSION_IDLE_MS = 12 * HOUR_MS;
export const SESSION_MAX_MS = 7 * DAY_MS;
/** A session's expiry moves on at most once a minute: a write per request would be wasted. */
const TOUCH_EVERY_MS = 60_000;

/** Link and session tokens are 43 characters of base64url; anything else is refused without a lookup. */
const RANDOM_TOKEN = /^[A-Za-z0-9_-]{43}$/;

export function signInUrl(publicUrl: string, token: string): string {
  // In the fragment: browsers never send it to a server, so it stays out of access logs and Referer headers.
  return `${publicUrl}/sign-in#token=${token}`;
}

/** A new link for `user`; their earlier unused links stop working. */
export async function issueSignInLink(
  db: Kysely<Database>,
  deps: AccessDeps,
  o: { user: UserRecord; purpose: SignInLinkPurpose; createdBy: string | null; ttlMs?: number },
): Promise<SignInLink> {
  if (o.user.disabledAt !== null) {
    throw accessDenied(`The account of ${o.user.email} is disabled, so it cannot sign in.`, 'A service administrator can enable it again.');
  }
  const ttl = Math.min(Math.max(o.ttlMs ?? LINK_TTL_MS[o.purpose], 60_000), MAX_LINK_TTL_MS);
  const now = deps.now();
  const expiresAt = new Date(now.getTime() + ttl);
  const token = newSecretToken();
  await deleteOpenSignInLinks(db, o.user.id);
  await insertSignInLink(db, { tokenHash: hashSecretToken(token), userId: o.user.id, purpose: o.purpose, createdBy: o.createdBy, createdAt: now, expiresAt });
  return { url: signInUrl(deps.publicUrl, token), expiresAt: expiresAt.toISOString(), purpose: o.purpose };
}

export async function signIn(deps: AccessDeps, linkToken: string): Promise<NewSession> {
  if (typeof linkToken !== 'string' || !RANDOM_TOKEN.test(linkToken)) throw signInLinkInvalid();
  const now = deps.now();
  const used = await useSignInLink(deps.db, hashSecretToken(linkToken), now);
  const user = used ? await getUser(deps.db, used.userId) : undefined;
  if (!user) throw signInLinkInvalid();
  if (user.disabledAt !== null) throw accessDenied('This account is disabled.', 'A service administrator can enable it again.');
  const token = newSecretToken();
  const maxExpiresAt = new Date(now.getTime() + SESSION_MAX_MS);
  const expiresAt = new Date(now.getTime() + SESSION_IDLE_MS);
  await insertSession(deps.db, { tokenHash: hashSecretToken(token), userId: user.id, createdAt: now, expiresAt });
  // Housekeeping on a rare path, so the tables stay small without a timer.
  await deleteExpiredSessions(deps.db, now);
  await deleteStaleSignInLinks(deps.db, now);
  return { token, expiresAt: expiresAt.toISOString(), maxExpiresAt: maxExpiresAt.toISOString(), user: userView(user) };
}

/** The live session of a cookie and its user, its expiry moved on; AZDO_AUTH_REQUIRED otherwise. */
export async function liveSession(deps: AccessDeps, token: string): Promise<{ session: SessionRecord; user: UserRecord }> {
  if (typeof token !== 'string' || !RANDOM_TOKEN.test(token)) throw authRequired('Your session is not known; sign in again.');
  const found = await findSession(deps.db, hashSecretToken(token));
  if (!found) throw authRequired('Your session has ended or is not known; sign in again.');
  const now = deps.now();
  const nowMs = now.getTime();
  if (Date.parse(found.session.expiresAt) <= nowMs) throw authRequired('Your session has expired; sign in again.');
  if (found.user.disabledAt !== null) throw authRequired('This account is disabled.');
  if (nowMs - Date.parse(found.session.lastSeenAt) >= TOUCH_EVERY_MS) {
    const latest = Date.parse(found.session.createdAt) + SESSION_MAX_MS;
    const expiresAt = new Date(Math.min(nowMs + SESSION_IDLE_MS, latest));
    await extendSession(deps.db, found.session.id, { lastSeenAt: now, expiresAt });
    found.session.lastSeenAt = now.toISOString();
    found.session.expiresAt = expiresAt.toISOString();
  }
  return found;
}
