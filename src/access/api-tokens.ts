// API tokens: for scripts, one workspace each, with a scope and an expiry. Only workspace administrators create
// them, and a token never does more than its creator may do now: its scope is narrowed to the creator's current
// role on every request, and it stops working when the creator leaves the workspace or is disabled. (A request reuses
// what was looked up in the last few seconds; changes made elsewhere count from then on, see principal-cache.ts.)
import type { ApiTokenScope } from '../store/database.js';
import { findApiTokenWithCreator, getApiToken, insertApiToken, listApiTokens, revokeApiToken, touchApiToken } from '../store/api-tokens-repo.js';
import { AzdoError } from '../errors/azdo-error.js';
import {
  apiTokenInvalid,
  invalidField,
  SCOPE_INVALID,
  TOKEN_EXPIRY_INVALID,
  TOKEN_NAME_INVALID,
  TOKEN_NOT_FOUND,
} from './access-errors.js';
import { DAY_MS, type AccessDeps } from './access-deps.js';
import { narrowerScope, requireScope, scopeOfRole } from './access-policy.js';
import type { ApiTokenView, Paged } from './access-service.js';
import { apiTokenView } from './access-views.js';
import type { Principal } from './principal.js';
import { API_TOKEN_PREFIX, hashSecretToken, newSecretToken } from './secret-tokens.js';

export const MAX_TOKEN_DAYS = 366;
const MAX_NAME = 100;
/** Shown in lists: the prefix and four characters, enough to tell tokens apart, far too few to guess the rest. */
const SHOWN_CHARS = API_TOKEN_PREFIX.length + 4;
const TOKEN_SHAPE = /^azdo_[A-Za-z0-9_-]{43}$/;
const SCOPES: readonly ApiTokenScope[] = ['read', 'write', 'admin'];
/** last_used_at is a hint for people, not an audit log: written at most once a minute per token. */
const TOUCH_EVERY_MS = 60_000;

/** The cache key of an API token: its hash, so the cache holds no token. */
function tokenKey(hash: string): string {
  return `token:${hash}`;
}

export async function authenticateApiToken(deps: AccessDeps, token: string): Promise<Principal> {
  if (typeof token !== 'string' || !TOKEN_SHAPE.test(token)) throw apiTokenInvalid('it is not an azdo-connect API token');
  const hash = hashSecretToken(token);
  const cached = deps.principals.get(tokenKey(hash));
  if (cached) return cached;
  const generation = deps.principals.generation;
  const found = await findApiTokenWithCreator(deps.db, hash);
  if (!found) throw apiTokenInvalid('it is not known (it may have been deleted)');
  const { token: record, creator, memberRole } = found;
  const now = deps.now();
  if (record.revokedAt !== null) throw apiTokenInvalid(`it was revoked on ${record.revokedAt}`);
  if (Date.parse(record.expiresAt) <= now.getTime()) throw apiTokenInvalid(`it expired on ${record.expiresAt}`);
  if (creator.disabledAt !== null) throw apiTokenInvalid("its creator's account is disabled");
  if (!creator.isAdmin && memberRole === null) throw apiTokenInvalid('its creator is no longer a member of its workspace');
  const role = creator.isAdmin ? 'admin' : (memberRole ?? 'member');
  if (record.lastUsedAt === null || now.getTime() - Date.parse(record.lastUsedAt) >= TOUCH_EVERY_MS) {
    await touchApiToken(deps.db, record.id, now);
  }
  const principal: Principal = {
    via: 'token',
    userId: creator.id,
    email: creator.email,
    // Confined to its workspace: a token never carries a service administrator's powers over other workspaces.
    isAdmin: false,
    workspaceId: record.workspaceId,
    role,
    scope: narrowerScope(record.scope, scopeOfRole(role)),
    tokenId: record.id,
  };
  deps.principals.set(tokenKey(hash), principal, record.expiresAt, generation);
  return principal;
}

function checkInput(o: { name: string; scope: ApiTokenScope; expiresInDays: number }): string {
  const name = typeof o.name === 'string' ? o.name.trim() : '';
  if (name.length === 0 || name.length > MAX_NAME || /\p{Cc}/u.test(name)) {
    throw invalidField(TOKEN_NAME_INVALID, 'name', `A token name is 1 to ${MAX_NAME} characters.`, 'Name it after the script or system that will use it.');
  }
  if (!Number.isInteger(o.expiresInDays) || o.expiresInDays < 1 || o.expiresInDays > MAX_TOKEN_DAYS) {
    throw invalidField(TOKEN_EXPIRY_INVALID, 'expiresInDays', `A token expires after 1 to ${MAX_TOKEN_DAYS} whole days.`, 'Pick the shortest time the script needs; make a new token when it runs out.');
  }
  if (!SCOPES.includes(o.scope)) {
    throw invalidField(SCOPE_INVALID, 'scope', 'A token scope is read, write or admin.', 'Use read for scripts that only look.');
  }
  return name;
}

export async function createApiToken(
  deps: AccessDeps,
  principal: Principal,
  o: { name: string; scope: ApiTokenScope; expiresInDays: number },
): Promise<{ token: string; view: ApiTokenView }> {
  requireScope(principal, 'admin');
  const name = checkInput(o);
  const token = newSecretToken(API_TOKEN_PREFIX);
  const now = deps.now();
  const record = await insertApiToken(deps.db, {
    workspaceId: principal.workspaceId,
    name,
    tokenHash: hashSecretToken(token),
    prefix: token.slice(0, SHOWN_CHARS),
    scope: o.scope,
    createdBy: principal.userId,
    createdAt: now,
    expiresAt: new Date(now.getTime() + o.expiresInDays * DAY_MS),
  });
  return { token, view: apiTokenView(record) };
}

export async function listTokens(deps: AccessDeps, principal: Principal, page: { limit?: number; cursor?: string } = {}): Promise<Paged<ApiTokenView>> {
  requireScope(principal, 'admin');
  const result = await listApiTokens(deps.db, { workspaceId: principal.workspaceId, ...page });
  return { items: result.items.map(apiTokenView), nextCursor: result.nextCursor };
}

export async function revokeToken(deps: AccessDeps, principal: Principal, id: string): Promise<ApiTokenView> {
  requireScope(principal, 'admin');
  const revoked = await revokeApiToken(deps.db, principal.workspaceId, id, deps.now());
  // On this instance at once; other instances within their cache's limit.
  deps.principals.forgetToken(id);
  if (!revoked) {
    throw new AzdoError(TOKEN_NOT_FOUND, 'This workspace has no API token with that id.', 'List the tokens to see which exist.', { id });
  }
  const record = await getApiToken(deps.db, principal.workspaceId, id);
  if (!record) throw new AzdoError(TOKEN_NOT_FOUND, 'This workspace has no API token with that id.', 'List the tokens to see which exist.', { id });
  return apiTokenView(record);
}
