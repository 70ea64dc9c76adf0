import { createHash } from 'node:crypto';
import type { RequestHook } from './types.js';

/** Supplies the Authorization header and names who is calling, so throttling can be kept per identity. */
export interface AzdoAuth {
  authorization(): Promise<string | undefined>;
  /** A stable key for the caller that reveals nothing of the secret (a hash, an object id). */
  identity: string;
}

function fingerprint(secret: string): string {
  return createHash('sha256').update(secret).digest('hex').slice(0, 16);
}

/**
 * A personal access token over HTTP Basic with an empty user name (FACTS §3.1). The token is used as given: classic
 * PATs have 52 characters and those made since July 2024 have 84, so its length says nothing about its validity.
 */
export function patAuth(pat: string): AzdoAuth {
  const header = `Basic ${Buffer.from(`:${pat}`, 'utf8').toString('base64')}`;
  return { identity: `pat:${fingerprint(pat)}`, authorization: () => Promise.resolve(header) };
}

/**
 * A bearer token (Entra ID) fetched for every request, so the token source decides when to refresh. `identity`
 * names the principal (its object id, for one), because successive tokens of one principal share one rate limit.
 */
export function bearerAuth(getToken: () => Promise<string>, identity: string): AzdoAuth {
  return { identity: `bearer:${identity}`, authorization: async () => `Bearer ${await getToken()}` };
}

/** Adds the Authorization header; the request without it is what hooks outside this one see. */
export function authHook(auth: AzdoAuth | undefined): RequestHook {
  return async (request, next) => {
    const authorization = auth ? await auth.authorization() : undefined;
    if (authorization === undefined) return next(request);
    return next({ ...request, headers: { ...request.headers, authorization } });
  };
}
