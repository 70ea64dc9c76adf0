import { randomBytes } from 'node:crypto';
import { SignJWT, compactVerify, decodeProtectedHeader, errors, importJWK, type CryptoKey, type JWK } from 'jose';
import type { EntraSigningKey } from './entra-keys.js';

/** Azure DevOps' application ID in Entra: the `aud` of every token Azure DevOps accepts. */
export const AZURE_DEVOPS_RESOURCE_ID = '499b84ac-1321-427f-aa17-267ca6975798';
/** The resource URI form of the same application, accepted in `scope` as `${uri}/.default`. */
export const AZURE_DEVOPS_RESOURCE_URI = 'https://app.vssps.visualstudio.com';
export const DEFAULT_TOKEN_LIFETIME_SECONDS = 3599;

/**
 * Entra back-dates `iat`/`nbf` by five minutes to absorb clock skew, so `exp - iat` is the lifetime plus 300 s
 * (the 24 h managed-identity token in ENTRA.md §2.4 has exp - iat = 86 700 s).
 */
const BACKDATE_SECONDS = 300;

/** The claims of an app-only v1.0 access token for Azure DevOps, in the order Entra writes them (ENTRA.md §6.3). */
export interface AppTokenClaims {
  aud: string;
  iss: string;
  iat: number;
  nbf: number;
  exp: number;
  aio: string;
  appid: string;
  appidacr: '1' | '2';
  idp: string;
  oid: string;
  rh: string;
  sub: string;
  tid: string;
  uti: string;
  ver: '1.0';
}

export interface IssueAppTokenOptions {
  tenantId: string;
  appId: string;
  /** The service principal's object ID (not the application's): Azure DevOps keys principals by it. */
  objectId: string;
  /** What the token endpoint reports as `expires_in`. */
  lifetimeSeconds?: number;
  now?: Date;
  /** '1' for a client secret, '2' for a certificate or federated assertion. */
  appidacr?: '1' | '2';
}

export function issuerFor(tenantId: string): string {
  return `https://sts.windows.net/${tenantId}/`;
}

const importedKeys = new WeakMap<JsonWebKeyLike, Promise<CryptoKey>>();
type JsonWebKeyLike = EntraSigningKey['privateJwk'];

function cryptoKey(jwk: JsonWebKeyLike): Promise<CryptoKey> {
  let key = importedKeys.get(jwk);
  if (!key) {
    key = importJWK(jwk as JWK, 'RS256') as Promise<CryptoKey>;
    importedKeys.set(jwk, key);
  }
  return key;
}

/** Random opaque text in the alphabet Entra's opaque claims (`aio`, `rh`) use. */
function opaque(bytes: number): string {
  return randomBytes(bytes).toString('base64url');
}

export async function issueAppToken(
  key: EntraSigningKey,
  o: IssueAppTokenOptions,
): Promise<{ accessToken: string; expiresIn: number; claims: AppTokenClaims }> {
  const expiresIn = o.lifetimeSeconds ?? DEFAULT_TOKEN_LIFETIME_SECONDS;
  const nowSeconds = Math.floor((o.now ?? new Date()).getTime() / 1000);
  const iss = issuerFor(o.tenantId);
  const claims: AppTokenClaims = {
    aud: AZURE_DEVOPS_RESOURCE_ID,
    iss,
    iat: nowSeconds - BACKDATE_SECONDS,
    nbf: nowSeconds - BACKDATE_SECONDS,
    exp: nowSeconds + expiresIn,
    aio: `k2${opaque(54)}`,
    appid: o.appId,
    appidacr: o.appidacr ?? '1',
    idp: iss,
    oid: o.objectId,
    rh: `1.A${opaque(48)}.`,
    sub: o.objectId,
    tid: o.tenantId,
    uti: opaque(16),
    ver: '1.0',
  };
  const accessToken = await new SignJWT({ ...claims })
    .setProtectedHeader({ typ: 'JWT', alg: 'RS256', x5t: key.kid, kid: key.kid })
    .sign(await cryptoKey(key.privateJwk));
  return { accessToken, expiresIn, claims };
}

export type VerifyFailureReason =
  | 'malformed'
  | 'bad-signature'
  | 'expired'
  | 'not-yet-valid'
  | 'wrong-audience'
  | 'wrong-issuer';
export type VerifyResult = { ok: true; claims: AppTokenClaims } | { ok: false; reason: VerifyFailureReason };

export interface VerifyOptions {
  /** Seconds of clock skew tolerated on `exp` and `nbf`; 0 (strict) unless a test wants otherwise. */
  clockSkewSeconds?: number;
}

/**
 * Checks a bearer token the way Azure DevOps would: RS256 signature by one of the simulator's keys (picked by
 * `kid`, so a rotated-out key still verifies while it is passed in), lifetime, audience and a v1 issuer that
 * names the token's own tenant.
 */
export async function verifyAccessToken(
  key: EntraSigningKey | readonly EntraSigningKey[],
  token: string,
  now: Date = new Date(),
  options: VerifyOptions = {},
): Promise<VerifyResult> {
  if (!looksLikeJwt(token)) return { ok: false, reason: 'malformed' };
  const keys: readonly EntraSigningKey[] = Array.isArray(key) ? key : [key as EntraSigningKey];

  let kid: unknown;
  try {
    kid = decodeProtectedHeader(token).kid;
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  const signer = keys.find((k) => k.kid === kid);
  if (!signer) return { ok: false, reason: 'bad-signature' };

  let payloadBytes: Uint8Array;
  try {
    const verified = await compactVerify(token, await cryptoKey(signer.publicJwk), { algorithms: ['RS256'] });
    payloadBytes = verified.payload;
  } catch (error) {
    if (error instanceof errors.JWSSignatureVerificationFailed || error instanceof errors.JOSEAlgNotAllowed) {
      return { ok: false, reason: 'bad-signature' };
    }
    return { ok: false, reason: 'malformed' };
  }

  let payload: unknown;
  try {
    payload = JSON.parse(new TextDecoder().decode(payloadBytes));
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  if (!isAppTokenClaims(payload)) return { ok: false, reason: 'malformed' };

  const skew = options.clockSkewSeconds ?? 0;
  const nowSeconds = Math.floor(now.getTime() / 1000);
  if (nowSeconds >= payload.exp + skew) return { ok: false, reason: 'expired' };
  if (nowSeconds < payload.nbf - skew) return { ok: false, reason: 'not-yet-valid' };
  if (payload.aud !== AZURE_DEVOPS_RESOURCE_ID) return { ok: false, reason: 'wrong-audience' };
  if (payload.iss !== issuerFor(payload.tid)) return { ok: false, reason: 'wrong-issuer' };
  return { ok: true, claims: payload };
}

function isAppTokenClaims(value: unknown): value is AppTokenClaims {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const v = value as Record<string, unknown>;
  const strings = ['aud', 'iss', 'aio', 'appid', 'idp', 'oid', 'rh', 'sub', 'tid', 'uti'] as const;
  const numbers = ['iat', 'nbf', 'exp'] as const;
  return (
    strings.every((name) => typeof v[name] === 'string') &&
    numbers.every((name) => typeof v[name] === 'number' && Number.isFinite(v[name])) &&
    (v.appidacr === '1' || v.appidacr === '2') &&
    v.ver === '1.0'
  );
}

const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/**
 * Tells a JWT from a PAT (PATs are one run of base32 or base64-ish text without dots), so the caller can pick
 * the right check without trying both. Only the shape and a JSON header with `alg` are looked at.
 */
export function looksLikeJwt(s: string): boolean {
  if (!JWT_SHAPE.test(s)) return false;
  const headerPart = s.slice(0, s.indexOf('.'));
  try {
    const header: unknown = JSON.parse(Buffer.from(headerPart, 'base64url').toString('utf8'));
    return typeof header === 'object' && header !== null && typeof (header as { alg?: unknown }).alg === 'string';
  } catch {
    return false;
  }
}
