// Store records as the API shows them.
import type { ApiTokenRecord } from '../store/api-tokens-repo.js';
import type { MemberRecord } from '../store/members-repo.js';
import type { UserRecord } from '../store/users-repo.js';
import type { ApiTokenView, MemberView, UserView } from './access-service.js';

export function userView(u: UserRecord): UserView {
  return { id: u.id, email: u.email, name: u.name, isAdmin: u.isAdmin, createdAt: u.createdAt };
}

export function memberView(m: MemberRecord): MemberView {
  return { userId: m.userId, email: m.email, name: m.name, role: m.role, addedAt: m.addedAt };
}

export function apiTokenView(t: ApiTokenRecord): ApiTokenView {
  return {
    id: t.id,
    name: t.name,
    prefix: t.prefix,
    scope: t.scope,
    createdBy: t.createdByEmail,
    createdAt: t.createdAt,
    expiresAt: t.expiresAt,
    lastUsedAt: t.lastUsedAt,
    revokedAt: t.revokedAt,
  };
}
