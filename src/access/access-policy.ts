// What each scope and role may do, in one place: the route guard and the service both ask here.
import type { ApiTokenScope, WorkspaceRole } from '../store/database.js';
import type { Principal } from './principal.js';
import { accessDenied, scopeInsufficient } from './access-errors.js';

const RANK: Record<ApiTokenScope, number> = { read: 1, write: 2, admin: 3 };

/** True when `scope` covers `needed` (admin covers write covers read). */
export function scopeCovers(scope: ApiTokenScope, needed: ApiTokenScope): boolean {
  return RANK[scope] >= RANK[needed];
}

/** The narrower of two scopes. */
export function narrowerScope(a: ApiTokenScope, b: ApiTokenScope): ApiTokenScope {
  return RANK[a] <= RANK[b] ? a : b;
}

/** What a role lets its holder do: admins everything in the workspace, members connections and repositories. */
export function scopeOfRole(role: WorkspaceRole): ApiTokenScope {
  return role === 'admin' ? 'admin' : 'write';
}

/** Throws the caller's kind of refusal when the principal's scope does not cover `needed`. */
export function requireScope(principal: Principal, needed: ApiTokenScope): void {
  if (scopeCovers(principal.scope, needed)) return;
  if (principal.via === 'token') throw scopeInsufficient(needed, principal.scope);
  throw accessDenied(
    needed === 'admin' ? 'Only administrators of this workspace may do this.' : 'Your role in this workspace does not allow this.',
  );
}
