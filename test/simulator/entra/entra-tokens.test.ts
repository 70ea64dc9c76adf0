import { SignJWT, decodeJwt, decodeProtectedHeader, importJWK, type JWK } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { createSigningKey, type EntraSigningKey } from '../../../simulator/entra/entra-keys.js';
import {
  AZURE_DEVOPS_RESOURCE_ID,
  issueAppToken,
  looksLikeJwt,
  verifyAccessToken,
  type AppTokenClaims,
} from '../../../simulator/entra/entra-tokens.js';

const TENANT = '3f2b9c1e-4d5a-4b6c-8d7e-9f0a1b2c3d4e';
const APP_ID = '0a1b2c3d-1111-4222-8333-444455556666';
const OBJECT_ID = '9e8d7c6b-aaaa-4bbb-8ccc-ddddeeeeffff';
const NOW = new Date('2026-03-01T12:00:00.000Z');
const NOW_S = NOW.getTime() / 1000;

let key: EntraSigningKey;
let otherKey: EntraSigningKey;

beforeAll(async () => {
  [key, otherKey] = await Promise.all([createSigningKey(), createSigningKey()]);
});

function issue(now = NOW, lifetimeSeconds?: number) {
  return issueAppToken(key, { tenantId: TENANT, appId: APP_ID, objectId: OBJECT_ID, now, lifetimeSeconds });
}

/** Signs arbitrary claims with `signer`'s private key, so single claims can be made wrong. */
async function forge(signer: EntraSigningKey, claims: Record<string, unknown>, header: Record<string, unknown> = {}): Promise<string> {
  const privateKey = await importJWK(signer.privateJwk as JWK, 'RS256');
  return new SignJWT(claims)
    .setProtectedHeader({ typ: 'JWT', alg: 'RS256', x5t: signer.kid, kid: signer.kid, ...header })
    .sign(privateKey);
}

describe('issueAppToken', () => {
  it('mints an app-only v1.0 token with exactly the claims Entra puts in one for Azure DevOps', async () => {
    const { accessToken, expiresIn, claims } = await issue();
    expect(expiresIn).toBe(3599);

    expect(decodeProtectedHeader(accessToken)).toEqual({ typ: 'JWT', alg: 'RS256', x5t: key.kid, kid: key.kid });
    const payload = decodeJwt(accessToken);
    expect(payload).toEqual(claims);
    expect(Object.keys(payload)).toEqual([
      'aud', 'iss', 'iat', 'nbf', 'exp', 'aio', 'appid', 'appidacr', 'idp', 'oid', 'rh', 'sub', 'tid', 'uti', 'ver',
    ]);
    expect(payload).not.toHaveProperty('scp');
    expect(payload).not.toHaveProperty('roles');

    expect(claims.aud).toBe(AZURE_DEVOPS_RESOURCE_ID);
    expect(claims.iss).toBe(`https://sts.windows.net/${TENANT}/`);
    expect(claims.idp).toBe(claims.iss);
    expect(claims.appid).toBe(APP_ID);
    expect(claims.appidacr).toBe('1');
    expect(claims.oid).toBe(OBJECT_ID);
    expect(claims.sub).toBe(OBJECT_ID);
    expect(claims.tid).toBe(TENANT);
    expect(claims.ver).toBe('1.0');
    expect(claims.iat).toBe(NOW_S - 300);
    expect(claims.nbf).toBe(NOW_S - 300);
    expect(claims.exp).toBe(NOW_S + 3599);
    expect(claims.uti).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(claims.aio).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    expect(claims.rh).toMatch(/^1\.A[A-Za-z0-9_-]+\.$/);
  });

  it('gives every token its own uti', async () => {
    const [a, b] = await Promise.all([issue(), issue()]);
    expect(a.claims.uti).not.toBe(b.claims.uti);
  });

  it('honours a custom lifetime', async () => {
    const { expiresIn, claims } = await issue(NOW, 86_400);
    expect(expiresIn).toBe(86_400);
    expect(claims.exp - claims.iat).toBe(86_700);
  });
});

describe('verifyAccessToken', () => {
  it('round-trips: an issued token verifies and yields its claims', async () => {
    const { accessToken, claims } = await issue();
    const result = await verifyAccessToken(key, accessToken, NOW);
    expect(result).toEqual({ ok: true, claims });
  });

  it('rejects an expired token at exp, accepts it a second before, and tolerates skew only when asked', async () => {
    const { accessToken, claims } = await issue();
    expect(await verifyAccessToken(key, accessToken, new Date((claims.exp - 1) * 1000))).toMatchObject({ ok: true });
    expect(await verifyAccessToken(key, accessToken, new Date(claims.exp * 1000))).toEqual({ ok: false, reason: 'expired' });
    expect(await verifyAccessToken(key, accessToken, new Date((claims.exp + 3600) * 1000))).toEqual({ ok: false, reason: 'expired' });
    expect(await verifyAccessToken(key, accessToken, new Date((claims.exp + 60) * 1000), { clockSkewSeconds: 120 })).toMatchObject({
      ok: true,
    });
  });

  it('rejects a token used before nbf', async () => {
    const { accessToken, claims } = await issue();
    expect(await verifyAccessToken(key, accessToken, new Date((claims.nbf - 1) * 1000))).toEqual({ ok: false, reason: 'not-yet-valid' });
    expect(await verifyAccessToken(key, accessToken, new Date(claims.nbf * 1000))).toMatchObject({ ok: true });
  });

  it('rejects a token signed by another key, whatever kid it claims', async () => {
    const foreign = await issueAppToken(otherKey, { tenantId: TENANT, appId: APP_ID, objectId: OBJECT_ID, now: NOW });
    expect(await verifyAccessToken(key, foreign.accessToken, NOW)).toEqual({ ok: false, reason: 'bad-signature' });

    const impostor = await forge(otherKey, { ...foreign.claims }, { kid: key.kid, x5t: key.kid });
    expect(await verifyAccessToken(key, impostor, NOW)).toEqual({ ok: false, reason: 'bad-signature' });
  });

  it('rejects a token whose payload was altered after signing', async () => {
    const { accessToken, claims } = await issue();
    const [header, , signature] = accessToken.split('.');
    const altered = Buffer.from(JSON.stringify({ ...claims, oid: 'someone-else' })).toString('base64url');
    expect(await verifyAccessToken(key, `${header}.${altered}.${signature}`, NOW)).toEqual({ ok: false, reason: 'bad-signature' });
  });

  it('rejects an HMAC token carrying our kid (algorithm confusion)', async () => {
    const { claims } = await issue();
    const hmac = await new SignJWT({ ...claims })
      .setProtectedHeader({ alg: 'HS256', kid: key.kid })
      .sign(new TextEncoder().encode('a shared secret that is long enough for HS256'));
    expect(await verifyAccessToken(key, hmac, NOW)).toEqual({ ok: false, reason: 'bad-signature' });
  });

  it('rejects a token for another audience', async () => {
    const { claims } = await issue();
    const token = await forge(key, { ...claims, aud: '00000003-0000-0000-c000-000000000000' });
    expect(await verifyAccessToken(key, token, NOW)).toEqual({ ok: false, reason: 'wrong-audience' });
  });

  it('rejects a v2 issuer and an issuer naming another tenant', async () => {
    const { claims } = await issue();
    const v2 = await forge(key, { ...claims, iss: `https://login.microsoftonline.com/${TENANT}/v2.0` });
    expect(await verifyAccessToken(key, v2, NOW)).toEqual({ ok: false, reason: 'wrong-issuer' });
    const otherTenant = await forge(key, { ...claims, iss: 'https://sts.windows.net/11111111-2222-4333-8444-555555555555/' });
    expect(await verifyAccessToken(key, otherTenant, NOW)).toEqual({ ok: false, reason: 'wrong-issuer' });
  });

  it('calls anything that is not a complete app token malformed', async () => {
    const { claims } = await issue();
    const { ver: _ver, ...withoutVer } = claims;
    expect(await verifyAccessToken(key, await forge(key, withoutVer), NOW)).toEqual({ ok: false, reason: 'malformed' });
    const v2: Omit<AppTokenClaims, 'ver'> & { ver: string } = { ...claims, ver: '2.0' };
    expect(await verifyAccessToken(key, await forge(key, v2), NOW)).toEqual({ ok: false, reason: 'malformed' });
    expect(await verifyAccessToken(key, 'not-a-token', NOW)).toEqual({ ok: false, reason: 'malformed' });
    expect(await verifyAccessToken(key, 'a.b.c', NOW)).toEqual({ ok: false, reason: 'malformed' });
    expect(await verifyAccessToken(key, '', NOW)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('accepts tokens from any key in a rotation set', async () => {
    const old = await issueAppToken(otherKey, { tenantId: TENANT, appId: APP_ID, objectId: OBJECT_ID, now: NOW });
    const current = await issue();
    expect(await verifyAccessToken([key, otherKey], old.accessToken, NOW)).toMatchObject({ ok: true });
    expect(await verifyAccessToken([key, otherKey], current.accessToken, NOW)).toMatchObject({ ok: true });
    expect(await verifyAccessToken([key], old.accessToken, NOW)).toEqual({ ok: false, reason: 'bad-signature' });
  });
});

describe('looksLikeJwt', () => {
  it('tells JWTs from PATs and junk', async () => {
    const { accessToken } = await issue();
    expect(looksLikeJwt(accessToken)).toBe(true);
    expect(looksLikeJwt('abcdefghijklmnopqrstuvwxyz234567abcdefghijklmnopqrst')).toBe(false); // a classic 52-char PAT
    expect(looksLikeJwt('a.b.c')).toBe(false);
    expect(looksLikeJwt(`${accessToken} `)).toBe(false);
    expect(looksLikeJwt('')).toBe(false);
    const header = Buffer.from(JSON.stringify({ typ: 'JWT' })).toString('base64url');
    expect(looksLikeJwt(`${header}.e30.sig`)).toBe(false);
  });
});
