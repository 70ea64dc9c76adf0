// The access service: sign-in links, sessions, API tokens, workspaces and members, over the store.
import { sql } from 'kysely';
import type { Vault } from '../credentials/vault.js';
import { AzdoError } from '../errors/azdo-error.js';
import type { SignInLinkPurpose } from '../store/database.js';
import { DEFAULT_WORKSPACE_ID } from '../store/default-workspace.js';
import { inTransaction } from '../store/in-transaction.js';
import { insertMember } from '../store/members-repo.js';
import type { Store } from '../store/open-store.js';
import { deleteSessionByHash, deleteSessionsOfUser } from '../store/sessions-repo.js';
import { uniqueViolation } from '../store/store-errors.js';
import { countUsers, getUser, getUserByEmail, insertUser, setUserDisabled } from '../store/users-repo.js';
import { getWorkspace } from '../store/workspaces-repo.js';
import { accessDenied, USER_NOT_FOUND } from './access-errors.js';
import type { AccessDeps } from './access-deps.js';
import type { AccessService, SignInLink, UserView, WorkspaceView } from './access-service.js';
import { userView } from './access-views.js';
import { authenticateApiToken, createApiToken, listTokens, revokeToken } from './api-tokens.js';
import { changeMemberRole, checkEmail, checkName, inviteMember, listWorkspaceMembers, memberSignInLink, removeMember } from './members.js';
import type { Principal } from './principal.js';
import { PrincipalCache } from './principal-cache.js';
import { constantTimeEqual, hashSecretToken, hmacToken } from './secret-tokens.js';
import { issueSignInLink, liveSession, signIn } from './sign-in.js';
import { createWorkspace, listPrincipalWorkspaces, sessionPrincipal } from './workspaces.js';

export const DEFAULT_ADMIN_EMAIL = 'admin@localhost';

export interface CreateAccessServiceOptions {
  store: Store;
  vault: Vault;
  /** The URL people open (sign-in links point there). */
  publicUrl: string;
  /** Default: the system clock. */
  now?: () => Date;
  /**
   * How long the principal of a token or session is reused before it is looked up again (ms; 0: every request looks).
   * Changes made through this service take effect at once on it; other instances see them within this time.
   * Default PRINCIPAL_CACHE_MS.
   */
  principalCacheMs?: number;
}

/** Other instances see a revoked token, an ended session or a changed membership within this time (docs/access.md). */
export const PRINCIPAL_CACHE_MS = 5000;

/** The cache key of a session acting in a workspace (the user's first when none is named). */
function sessionKey(tokenHash: string, workspaceId: string | undefined): string {
  return `session:${tokenHash}:${workspaceId ?? ''}`;
}

function userNotFound(what: string): AzdoError {
  return new AzdoError(USER_NOT_FOUND, `There is no user ${what}.`, 'Invite them into a workspace first (POST /api/v1/members).');
}

export function createAccessService(o: CreateAccessServiceOptions): AccessService {
  const now = o.now ?? (() => new Date());
  const deps: AccessDeps = {
    db: o.store.db,
    dialect: o.store.dialect,
    publicUrl: o.publicUrl.replace(/\/+$/, ''),
    now,
    // From the vault's key: the same on every instance and after restarts, so CSRF tokens stay valid.
    csrfKey: o.vault.deriveKey('csrf'),
    principals: new PrincipalCache({ ttlMs: o.principalCacheMs ?? PRINCIPAL_CACHE_MS, now }),
  };

  const csrfToken = (principal: Principal): string =>
    principal.sessionId === undefined ? '' : hmacToken(deps.csrfKey, `csrf:${principal.sessionId}`);

  const service: AccessService = {
    async bootstrap(b = {}) {
      const email = checkEmail(b.email ?? DEFAULT_ADMIN_EMAIL);
      const name = checkName(b.name ?? 'Administrator', email);
      try {
        return await inTransaction(deps.db, async (trx) => {
          // Instances starting together on PostgreSQL take turns here; on SQLite the write lock does the same.
          if (deps.dialect === 'postgres') await sql`select pg_advisory_xact_lock(hashtext('azdo-connect:bootstrap'))`.execute(trx);
          if ((await countUsers(trx)) > 0) return undefined;
          const now = deps.now();
          const user = await insertUser(trx, { email, name, isAdmin: true, now });
          if (await getWorkspace(trx, DEFAULT_WORKSPACE_ID)) {
            await insertMember(trx, { workspaceId: DEFAULT_WORKSPACE_ID, userId: user.id, role: 'admin', now });
          }
          const link = await issueSignInLink(trx, deps, { user, purpose: 'first-admin', createdBy: null });
          return { user: userView(user), link };
        });
      } catch (error) {
        // Another instance created the administrator first (a unique violation, or on SQLite a busy write lock).
        if (uniqueViolation(error) || (await countUsers(deps.db)) > 0) return undefined;
        throw error;
      }
    },

    async createSignInLink(l: { email: string; purpose?: SignInLinkPurpose; createdBy?: string; ttlMs?: number }): Promise<SignInLink> {
      const user = await getUserByEmail(deps.db, l.email);
      if (!user) throw userNotFound('with that e-mail address');
      return issueSignInLink(deps.db, deps, {
        user,
        purpose: l.purpose ?? 'sign-in',
        createdBy: l.createdBy ?? null,
        ...(l.ttlMs !== undefined ? { ttlMs: l.ttlMs } : {}),
      });
    },

    signIn: (linkToken) => signIn(deps, linkToken),

    async signOut(sessionToken) {
      if (typeof sessionToken !== 'string' || sessionToken.length === 0) return;
      const hash = hashSecretToken(sessionToken);
      try {
        await deleteSessionByHash(deps.db, hash);
      } finally {
        deps.principals.forgetKeys(sessionKey(hash, ''));
      }
    },

    async authenticateSession(sessionToken, workspaceId) {
      const key = typeof sessionToken === 'string' ? sessionKey(hashSecretToken(sessionToken), workspaceId) : undefined;
      const cached = key === undefined ? undefined : deps.principals.get(key);
      if (cached) return cached;
      const generation = deps.principals.generation;
      const { session, user } = await liveSession(deps, sessionToken);
      const principal = await sessionPrincipal(deps, session, user, workspaceId);
      if (key !== undefined) deps.principals.set(key, principal, session.expiresAt, generation);
      return principal;
    },

    authenticateToken: (token) => authenticateApiToken(deps, token),

    csrfToken,

    verifyCsrf(principal, token) {
      if (principal.via !== 'session' || typeof token !== 'string' || token.length === 0) return false;
      return constantTimeEqual(token, csrfToken(principal));
    },

    async me(principal) {
      const user = await getUser(deps.db, principal.userId);
      const workspace = await getWorkspace(deps.db, principal.workspaceId);
      if (!user || !workspace) throw accessDenied('Your account or workspace no longer exists.');
      const workspaces: WorkspaceView[] = [];
      let cursor: string | undefined;
      do {
        const page = await listPrincipalWorkspaces(deps, principal, { limit: 500, ...(cursor ? { cursor } : {}) });
        workspaces.push(...page.items);
        cursor = page.nextCursor ?? undefined;
      } while (cursor !== undefined);
      return {
        user: userView(user),
        workspace: { id: workspace.id, name: workspace.name, role: principal.role, createdAt: workspace.createdAt },
        workspaces,
      };
    },

    listWorkspaces: (principal, page) => listPrincipalWorkspaces(deps, principal, page),
    createWorkspace: (principal, w) => createWorkspace(deps, principal, w),

    listMembers: (principal, page) => listWorkspaceMembers(deps, principal, page),
    inviteMember: (principal, m) => inviteMember(deps, principal, m),
    memberSignInLink: (principal, userId) => memberSignInLink(deps, principal, userId),
    changeMemberRole: (principal, userId, role) => changeMemberRole(deps, principal, userId, role),
    removeMember: (principal, userId) => removeMember(deps, principal, userId),

    listApiTokens: (principal, page) => listTokens(deps, principal, page),
    createApiToken: (principal, t) => createApiToken(deps, principal, t),
    revokeApiToken: (principal, id) => revokeToken(deps, principal, id),

    async setUserDisabled(principal, userId, disabled): Promise<UserView> {
      if (principal && (principal.via !== 'session' || !principal.isAdmin)) {
        throw accessDenied('Only service administrators may disable or enable accounts.');
      }
      if (principal?.userId === userId && disabled) throw accessDenied('You cannot disable your own account.', 'Ask another service administrator.');
      try {
        if (!(await setUserDisabled(deps.db, userId, disabled ? deps.now() : null))) throw userNotFound('with that id');
        if (disabled) await deleteSessionsOfUser(deps.db, userId);
      } finally {
        deps.principals.forgetUser(userId);
      }
      const user = await getUser(deps.db, userId);
      if (!user) throw userNotFound('with that id');
      return userView(user);
    },
  };
  return service;
}
