import { createHash } from 'node:crypto';
import type { EntraSigningKey } from '../entra/entra-keys.js';
import { looksLikeJwt, verifyAccessToken } from '../entra/entra-tokens.js';
import type { Host, Pat, ServicePrincipal, SimulatorState, User } from '../state/model.js';
import { AdoErrors, type AdoHttpError } from './ado-errors.js';

export type Identity =
  | { kind: 'user'; id: string; user: User; pat: Pat; full: boolean; scopes: ReadonlySet<string> }
  | { kind: 'servicePrincipal'; id: string; principal: ServicePrincipal; full: true; scopes: ReadonlySet<string> };

export type AuthFailure = {
  ok: false;
  /** Bad, expired or foreign credentials are answered with the sign-in page unless the client suppresses it. */
  signInPage: boolean;
  error: AdoHttpError;
};

export type AuthOutcome = { ok: true; identity: Identity } | { ok: false; anonymous: true } | AuthFailure;

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

// Clients send the same token on every request; hashing it each time was a tenth of a cached GET's work.
const recentHashes = new Map<string, string>();
function hashOf(token: string): string {
  let hash = recentHashes.get(token);
  if (hash === undefined) {
    hash = hashToken(token);
    if (recentHashes.size >= 1000) recentHashes.clear();
    recentHashes.set(token, hash);
  }
  return hash;
}

/** Pulls the secret out of `Authorization`: the password of Basic (any user name, as Azure DevOps allows) or a Bearer token. */
export function credentialFromHeader(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const space = header.indexOf(' ');
  if (space < 0) return undefined;
  const scheme = header.slice(0, space).toLowerCase();
  const value = header.slice(space + 1).trim();
  if (scheme === 'bearer') return value || undefined;
  if (scheme !== 'basic') return undefined;
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const secret = colon < 0 ? decoded : decoded.slice(colon + 1);
  return secret || undefined;
}

export function isMember(host: Host, identityId: string): boolean {
  return host.members.includes(identityId) || host.projects.some((p) => p.readers.includes(identityId));
}

/**
 * Decides who is calling, the way Azure DevOps does: PATs by their hash, Entra JWTs by signature and claims,
 * then membership of the organization or collection. `host` is undefined for the host-less profile endpoints.
 */
export async function authenticate(
  state: SimulatorState,
  entraKey: EntraSigningKey,
  authorization: string | undefined,
  host: Host | undefined,
  baseUrl: string,
  now = new Date(),
): Promise<AuthOutcome> {
  const secret = credentialFromHeader(authorization);
  if (!secret) return { ok: false, anonymous: true };

  if (looksLikeJwt(secret)) {
    const verified = await verifyAccessToken(entraKey, secret, now);
    // Azure DevOps Server has no Entra support: a bearer token there is just an unknown credential.
    if (!verified.ok || host?.kind === 'server') {
      return { ok: false, signInPage: true, error: AdoErrors.unauthorized('') };
    }
    const { claims } = verified;
    const principal = state.servicePrincipals.find((p) => p.id === claims.oid && p.tenantId === claims.tid);
    if (!principal) return { ok: false, signInPage: true, error: AdoErrors.unauthorized('') };
    if (host && (host.tenantId !== claims.tid || !isMember(host, principal.id))) {
      return { ok: false, signInPage: false, error: AdoErrors.principalNotInOrganization(claims.tid, claims.oid) };
    }
    return { ok: true, identity: { kind: 'servicePrincipal', id: principal.id, principal, full: true, scopes: new Set() } };
  }

  const tokenHash = hashOf(secret);
  const pat = state.pats.find((p) => p.tokenHash === tokenHash);
  if (!pat) return { ok: false, signInPage: true, error: AdoErrors.unauthorized('') };
  const user = state.users.find((u) => u.id === pat.userId);
  if (!user) return { ok: false, signInPage: true, error: AdoErrors.unauthorized('') };
  if (Date.parse(pat.validTo) <= now.getTime()) return { ok: false, signInPage: true, error: AdoErrors.patExpired() };
  if (host && !pat.allOrgs && !pat.hostIds.includes(host.id)) {
    // A PAT made for another organization is, to this one, simply not a valid credential.
    return { ok: false, signInPage: true, error: AdoErrors.unauthorized('') };
  }
  if (host && !isMember(host, user.id)) return { ok: false, signInPage: false, error: AdoErrors.notAMember(baseUrl) };
  const full = pat.scope === 'app_token';
  const scopes = new Set(full ? [] : pat.scope.split(/\s+/).filter(Boolean));
  return { ok: true, identity: { kind: 'user', id: user.id, user, pat, full, scopes } };
}

// A broader scope includes the narrower ones (vso.code_manage includes vso.code_write includes vso.code).
const IMPLIED: Record<string, string[]> = {
  'vso.code_full': ['vso.code_manage', 'vso.code_write', 'vso.code', 'vso.code_status'],
  'vso.code_manage': ['vso.code_write', 'vso.code'],
  'vso.code_write': ['vso.code'],
  'vso.code_status': ['vso.code'],
  'vso.build_execute': ['vso.build'],
  'vso.work_full': ['vso.work_write', 'vso.work'],
  'vso.work_write': ['vso.work'],
  'vso.project_manage': ['vso.project_write', 'vso.project'],
  'vso.project_write': ['vso.project'],
  'vso.hooks_write': ['vso.hooks'],
  'vso.hooks_interact': ['vso.hooks'],
  'vso.profile_write': ['vso.profile'],
};

export function expandScopes(scopes: Iterable<string>): Set<string> {
  const out = new Set<string>();
  const visit = (s: string): void => {
    if (out.has(s)) return;
    out.add(s);
    for (const implied of IMPLIED[s] ?? []) visit(implied);
  };
  for (const s of scopes) visit(s);
  return out;
}

/** True when the identity holds any one of `required` (an empty list needs no scope). */
export function hasAnyScope(identity: Identity, required: readonly string[]): boolean {
  if (identity.full || required.length === 0) return true;
  const held = expandScopes(identity.scopes);
  return required.some((s) => held.has(s));
}
