// Members of a workspace: workspace administrators invite, promote, demote and remove them. A workspace always
// keeps one administrator. Sign-in links sign someone in as that person everywhere, so a workspace administrator
// gets one only for people who belong to their workspace alone; for anyone else only a service administrator can.
import { sql, type Kysely } from 'kysely';
import { AzdoError } from '../errors/azdo-error.js';
import { revokeApiTokensOf } from '../store/api-tokens-repo.js';
import type { Database, WorkspaceRole } from '../store/database.js';
import { inTransaction } from '../store/in-transaction.js';
import { countAdmins, deleteMember, getMember, insertMember, listMembers, membershipsOf, setMemberRole, type MemberRecord } from '../store/members-repo.js';
import { uniqueViolation } from '../store/store-errors.js';
import { getUser, getUserByEmail, insertUser, type UserRecord } from '../store/users-repo.js';
import {
  invalidField,
  accessDenied,
  MEMBER_EMAIL_INVALID,
  MEMBER_EXISTS,
  MEMBER_LAST_ADMIN_CONFLICT,
  MEMBER_NAME_INVALID,
  MEMBER_NOT_FOUND,
  ROLE_INVALID,
} from './access-errors.js';
import type { AccessDeps } from './access-deps.js';
import { requireScope } from './access-policy.js';
import type { MemberView, Paged, SignInLink } from './access-service.js';
import { memberView } from './access-views.js';
import type { Principal } from './principal.js';
import { issueSignInLink } from './sign-in.js';

// Deliberately loose (one @, no spaces, a dot-free host allowed for intranets): the link is handed over by hand.
const EMAIL = /^[^\s@]+@[^\s@]+$/;
const MAX_EMAIL = 254;
const MAX_NAME = 100;

export function checkEmail(email: string): string {
  const trimmed = typeof email === 'string' ? email.trim() : '';
  if (trimmed.length > MAX_EMAIL || !EMAIL.test(trimmed) || /\p{Cc}/u.test(trimmed)) {
    throw invalidField(MEMBER_EMAIL_INVALID, 'email', 'That is not an e-mail address.', 'Give the address as name@example.com.');
  }
  return trimmed;
}

export function checkName(name: string | undefined, email: string): string {
  if (name === undefined || name.trim() === '') return email.slice(0, email.indexOf('@'));
  const trimmed = name.trim();
  if (trimmed.length > MAX_NAME || /[\p{Cc}\p{Cf}]/u.test(trimmed)) {
    throw invalidField(MEMBER_NAME_INVALID, 'name', `A name is at most ${MAX_NAME} characters.`, 'Give the name people know them by, or leave it out.');
  }
  return trimmed;
}

function checkRole(role: WorkspaceRole): WorkspaceRole {
  if (role !== 'admin' && role !== 'member') {
    throw invalidField(ROLE_INVALID, 'role', 'A role is admin or member.', 'Use member unless they should manage members and API tokens.');
  }
  return role;
}

function memberNotFound(userId: string): AzdoError {
  return new AzdoError(MEMBER_NOT_FOUND, 'That user is not a member of this workspace.', 'List the members to see who is.', { userId });
}

function lastAdmin(): AzdoError {
  return new AzdoError(
    MEMBER_LAST_ADMIN_CONFLICT,
    'This is the last administrator of the workspace; it would be left without one.',
    'Make another member an administrator first.',
  );
}

/** On PostgreSQL, serializes changes to one workspace's members, so two demotions cannot both pass the last-admin check. */
async function lockWorkspace(deps: AccessDeps, trx: Kysely<Database>, workspaceId: string): Promise<void> {
  if (deps.dialect === 'postgres') await sql`select id from workspaces where id = ${workspaceId} for update`.execute(trx);
}

/**
 * Runs a change of someone's membership, then forgets their cached principals (sessions and tokens) whether it
 * committed or not: the next request of theirs on this instance looks again.
 */
async function forgettingUser<T>(deps: AccessDeps, userId: string, change: () => Promise<T>): Promise<T> {
  try {
    return await change();
  } finally {
    deps.principals.forgetUser(userId);
  }
}

/** Whether `principal` may hold a link that signs `user` in. */
async function mayIssueLinkFor(deps: AccessDeps, principal: Principal, user: UserRecord): Promise<boolean> {
  if (user.disabledAt !== null) return false;
  if (principal.isAdmin) return true;
  if (user.isAdmin) return false;
  const memberships = await membershipsOf(deps.db, user.id);
  return memberships.every((m) => m.workspaceId === principal.workspaceId);
}

export async function listWorkspaceMembers(deps: AccessDeps, principal: Principal, page: { limit?: number; cursor?: string } = {}): Promise<Paged<MemberView>> {
  requireScope(principal, 'read');
  const result = await listMembers(deps.db, { workspaceId: principal.workspaceId, ...page });
  return { items: result.items.map(memberView), nextCursor: result.nextCursor };
}

export async function inviteMember(
  deps: AccessDeps,
  principal: Principal,
  o: { email: string; name?: string; role: WorkspaceRole },
): Promise<{ member: MemberView; link: SignInLink | null }> {
  requireScope(principal, 'admin');
  const email = checkEmail(o.email);
  const name = checkName(o.name, email);
  const role = checkRole(o.role);
  const exists = () =>
    new AzdoError(MEMBER_EXISTS, `${email} is already a member of this workspace.`, 'Change their role instead, or make them a new sign-in link.', { field: 'email' });
  let member: MemberRecord;
  let user: UserRecord;
  try {
    ({ member, user } = await inTransaction(deps.db, async (trx) => {
      const now = deps.now();
      const found = (await getUserByEmail(trx, email)) ?? (await insertUser(trx, { email, name, now }));
      if (await getMember(trx, principal.workspaceId, found.id)) throw exists();
      await insertMember(trx, { workspaceId: principal.workspaceId, userId: found.id, role, now });
      const added = await getMember(trx, principal.workspaceId, found.id);
      if (!added) throw new Error('member vanished within its transaction');
      return { member: added, user: found };
    }));
  } catch (error) {
    // Two invites of the same person at once: one wins, the other is told they are a member.
    if (uniqueViolation(error)) throw exists();
    throw error;
  }
  // Their sessions may pick this workspace now, and it may become their first.
  deps.principals.forgetUser(user.id);
  const link = (await mayIssueLinkFor(deps, principal, user))
    ? await issueSignInLink(deps.db, deps, { user, purpose: 'invite', createdBy: principal.userId })
    : null;
  return { member: memberView(member), link };
}

export async function memberSignInLink(deps: AccessDeps, principal: Principal, userId: string): Promise<SignInLink> {
  requireScope(principal, 'admin');
  const member = await getMember(deps.db, principal.workspaceId, userId);
  const user = member ? await getUser(deps.db, userId) : undefined;
  if (!user) throw memberNotFound(userId);
  if (!(await mayIssueLinkFor(deps, principal, user))) {
    throw accessDenied(
      user.disabledAt !== null ? `The account of ${user.email} is disabled.` : `${user.email} also belongs to other workspaces, so only a service administrator can make their sign-in link.`,
      'Ask a service administrator (or use `azdo-connect admin sign-in-link` on the server).',
    );
  }
  return issueSignInLink(deps.db, deps, { user, purpose: 'sign-in', createdBy: principal.userId });
}

export async function changeMemberRole(deps: AccessDeps, principal: Principal, userId: string, role: WorkspaceRole): Promise<MemberView> {
  requireScope(principal, 'admin');
  checkRole(role);
  const updated = await forgettingUser(deps, userId, () => inTransaction(deps.db, async (trx) => {
    await lockWorkspace(deps, trx, principal.workspaceId);
    const current = await getMember(trx, principal.workspaceId, userId);
    if (!current) throw memberNotFound(userId);
    if (current.role === role) return current;
    if (current.role === 'admin' && (await countAdmins(trx, principal.workspaceId)) <= 1) throw lastAdmin();
    await setMemberRole(trx, principal.workspaceId, userId, role);
    return { ...current, role };
  }));
  return memberView(updated);
}

export async function removeMember(deps: AccessDeps, principal: Principal, userId: string): Promise<void> {
  requireScope(principal, 'admin');
  await forgettingUser(deps, userId, () =>
    inTransaction(deps.db, async (trx) => {
      await lockWorkspace(deps, trx, principal.workspaceId);
      const current = await getMember(trx, principal.workspaceId, userId);
      if (!current) throw memberNotFound(userId);
      if (current.role === 'admin' && (await countAdmins(trx, principal.workspaceId)) <= 1) throw lastAdmin();
      await deleteMember(trx, principal.workspaceId, userId);
      // Their tokens would stop working anyway (checked per request); revoking says so in the token list too.
      await revokeApiTokensOf(trx, principal.workspaceId, userId, deps.now());
    }),
  );
}
