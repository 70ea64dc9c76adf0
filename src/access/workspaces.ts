// Which workspace a request acts in, with which role, and the workspaces a user may choose from. Membership is
// read on every request (or taken from the principal cache, which a removal through this instance clears at once), so
// someone removed from a workspace loses access at their next request.
import { AzdoError } from '../errors/azdo-error.js';
import { uniqueViolation, WORKSPACE_NOT_FOUND } from '../store/store-errors.js';
import type { WorkspaceRole } from '../store/database.js';
import { DEFAULT_WORKSPACE_ID } from '../store/default-workspace.js';
import { inTransaction } from '../store/in-transaction.js';
import { insertMember, membershipsOf } from '../store/members-repo.js';
import type { SessionRecord } from '../store/sessions-repo.js';
import type { UserRecord } from '../store/users-repo.js';
import { findWorkspaceByName, getWorkspace, insertWorkspace, listWorkspaces, type WorkspaceWithRole } from '../store/workspaces-repo.js';
import { accessDenied, invalidField, WORKSPACE_NAME_INVALID, WORKSPACE_NAME_TAKEN } from './access-errors.js';
import type { AccessDeps } from './access-deps.js';
import { scopeOfRole } from './access-policy.js';
import type { Paged, WorkspaceView } from './access-service.js';
import type { Principal } from './principal.js';

const MAX_NAME = 100;
// Letters of any script, digits, spaces and common punctuation; no control characters.
const NAME = /^[^\p{Cc}\p{Cf}]+$/u;

export function workspaceView(w: WorkspaceWithRole, fallbackRole: WorkspaceRole): WorkspaceView {
  return { id: w.id, name: w.name, role: w.role ?? fallbackRole, createdAt: w.createdAt };
}

/** The principal of a live session acting in `workspaceId`, or in its user's first workspace. */
export async function sessionPrincipal(
  deps: AccessDeps,
  session: SessionRecord,
  user: UserRecord,
  workspaceId: string | undefined,
): Promise<Principal> {
  const memberships = await membershipsOf(deps.db, user.id);
  let chosen: { workspaceId: string; role: WorkspaceRole } | undefined;
  if (workspaceId !== undefined) {
    chosen = memberships.find((m) => m.workspaceId === workspaceId);
    if (!chosen && user.isAdmin) {
      if (!(await getWorkspace(deps.db, workspaceId))) {
        throw new AzdoError(WORKSPACE_NOT_FOUND, 'The workspace does not exist.', 'Pick one of GET /api/v1/workspaces.', { workspaceId });
      }
      chosen = { workspaceId, role: 'admin' };
    }
    // The same answer whether the workspace exists or not: others' workspaces stay unknown.
    if (!chosen) throw accessDenied('You are not a member of that workspace.', 'Pick one of the workspaces GET /api/v1/session lists.');
  } else {
    chosen = memberships[0];
    if (!chosen && user.isAdmin) {
      const first = (await getWorkspace(deps.db, DEFAULT_WORKSPACE_ID)) ?? (await listWorkspaces(deps.db, { userId: user.id, all: true, limit: 1 })).items[0];
      if (first) chosen = { workspaceId: first.id, role: 'admin' };
    }
    if (!chosen) throw accessDenied('You are not a member of any workspace.', 'Ask a workspace administrator to invite you again.');
  }
  // Service administrators are administrators everywhere, whatever their membership says.
  const role: WorkspaceRole = user.isAdmin ? 'admin' : chosen.role;
  return {
    via: 'session',
    userId: user.id,
    email: user.email,
    isAdmin: user.isAdmin,
    workspaceId: chosen.workspaceId,
    role,
    scope: scopeOfRole(role),
    sessionId: session.id,
  };
}

/** Sessions see their user's workspaces (service administrators: all); tokens only their own. */
export async function listPrincipalWorkspaces(
  deps: AccessDeps,
  principal: Principal,
  page: { limit?: number; cursor?: string } = {},
): Promise<Paged<WorkspaceView>> {
  if (principal.via === 'token') {
    const own = await getWorkspace(deps.db, principal.workspaceId);
    if (!own || page.cursor !== undefined) return { items: [], nextCursor: null };
    return { items: [{ id: own.id, name: own.name, role: principal.role, createdAt: own.createdAt }], nextCursor: null };
  }
  const result = await listWorkspaces(deps.db, { userId: principal.userId, all: principal.isAdmin, ...page });
  const fallback: WorkspaceRole = principal.isAdmin ? 'admin' : 'member';
  return {
    items: result.items.map((w) => workspaceView(principal.isAdmin ? { ...w, role: 'admin' } : w, fallback)),
    nextCursor: result.nextCursor,
  };
}

export function checkWorkspaceName(name: string): string {
  const trimmed = typeof name === 'string' ? name.trim() : '';
  if (trimmed.length === 0 || trimmed.length > MAX_NAME || !NAME.test(trimmed)) {
    throw invalidField(
      WORKSPACE_NAME_INVALID,
      'name',
      `A workspace name is 1 to ${MAX_NAME} characters, without control characters.`,
      'Choose a short name that says whose work it holds, e.g. "Platform team".',
    );
  }
  return trimmed;
}

export async function createWorkspace(deps: AccessDeps, principal: Principal, o: { name: string }): Promise<WorkspaceView> {
  if (principal.via !== 'session' || !principal.isAdmin) {
    throw accessDenied('Only service administrators may create workspaces.', 'Ask a service administrator to create it.');
  }
  const name = checkWorkspaceName(o.name);
  const taken = () =>
    new AzdoError(WORKSPACE_NAME_TAKEN, `A workspace named "${name}" already exists.`, 'Choose another name (names are compared without regard to case).', { field: 'name' });
  try {
    return await inTransaction(deps.db, async (trx) => {
      if (await findWorkspaceByName(trx, name)) throw taken();
      const now = deps.now();
      const created = await insertWorkspace(trx, { name, now });
      await insertMember(trx, { workspaceId: created.id, userId: principal.userId, role: 'admin', now });
      return { id: created.id, name: created.name, role: 'admin' as const, createdAt: created.createdAt };
    });
  } catch (error) {
    if (uniqueViolation(error)) throw taken();
    throw error;
  } finally {
    // The creator's sessions may pick it from now on.
    deps.principals.forgetUser(principal.userId);
  }
}
