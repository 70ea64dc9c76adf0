import Fastify, { type FastifyInstance } from 'fastify';
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSigningKey, type EntraSigningKey } from '../../../simulator/entra/entra-keys.js';
import { entraRoutes, type EntraServicePrincipal } from '../../../simulator/entra/entra-routes.js';
import { AZURE_DEVOPS_RESOURCE_ID, verifyAccessToken } from '../../../simulator/entra/entra-tokens.js';

const TENANT = '3f2b9c1e-4d5a-4b6c-8d7e-9f0a1b2c3d4e';
const OTHER_TENANT = '11111111-2222-4333-8444-555555555555';
const SECRET = 'Qx8~u.Zr_5-aBcDeFgHiJkLmNoPqRsTuVwXyZ012';
// Older Entra secrets may hold characters that form encoding changes.
const ODD_SECRET = 'old+secret/with=padding';
const SP: EntraServicePrincipal = {
  objectId: '9e8d7c6b-aaaa-4bbb-8ccc-ddddeeeeffff',
  appId: '0a1b2c3d-1111-4222-8333-444455556666',
  tenantId: TENANT,
  displayName: 'build-bot',
  secrets: [SECRET, ODD_SECRET],
};
const ADO_SCOPE = `${AZURE_DEVOPS_RESOURCE_ID}/.default`;
const BASE = 'http://127.0.0.1:4567';
const TOKEN_URL = `/${TENANT}/oauth2/v2.0/token`;
const GUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

let key: EntraSigningKey;
let previousKey: EntraSigningKey;
let app: FastifyInstance;
let clock = new Date('2026-03-01T12:00:00.000Z');

beforeAll(async () => {
  [key, previousKey] = await Promise.all([createSigningKey(), createSigningKey()]);
  app = Fastify();
  await app.register(entraRoutes, {
    key,
    previousKeys: [previousKey],
    findServicePrincipal: (tenantId, appId) => (tenantId === SP.tenantId && appId === SP.appId ? SP : undefined),
    knownTenant: (tenantId) => tenantId === TENANT || tenantId === OTHER_TENANT || tenantId === 'contoso.onmicrosoft.com',
    baseUrl: () => BASE,
    now: () => clock,
  });
  // A sibling route outside the plugin: the plugin's body parsers must not reach it.
  app.post('/echo', async (request) => ({ body: request.body as unknown }));
  await app.ready();
});

afterAll(async () => {
  await app.close();
});

function form(fields: Record<string, string>): string {
  return new URLSearchParams(fields).toString();
}

function postToken(fields: Record<string, string>, options: { url?: string; headers?: Record<string, string> } = {}) {
  return app.inject({
    method: 'POST',
    url: options.url ?? TOKEN_URL,
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...options.headers },
    payload: form(fields),
  });
}

const GOOD = { grant_type: 'client_credentials', client_id: SP.appId, client_secret: SECRET, scope: ADO_SCOPE };

interface EntraErrorBody {
  error: string;
  error_description: string;
  error_codes: number[];
  timestamp: string;
  trace_id: string;
  correlation_id: string;
  error_uri: string;
}

/** Checks the status and the complete Entra error body shape, and returns the body for further checks. */
function expectEntraError(
  response: Awaited<ReturnType<typeof postToken>>,
  status: number,
  error: string,
  code: number,
  message?: RegExp,
): EntraErrorBody {
  expect(response.statusCode).toBe(status);
  expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
  expect(response.headers['cache-control']).toBe('no-store, no-cache');
  const body = response.json<EntraErrorBody>();
  expect(Object.keys(body)).toEqual(['error', 'error_description', 'error_codes', 'timestamp', 'trace_id', 'correlation_id', 'error_uri']);
  expect(body.error).toBe(error);
  expect(body.error_codes).toEqual([code]);
  expect(body.timestamp).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/);
  expect(body.trace_id).toMatch(new RegExp(`^${GUID}$`));
  expect(body.correlation_id).toMatch(new RegExp(`^${GUID}$`));
  expect(body.error_uri).toBe(`https://login.microsoftonline.com/error?code=${code}`);
  const [first, ...trailer] = body.error_description.split('\r\n');
  expect(first).toMatch(new RegExp(`^AADSTS${code}: `));
  if (message) expect(first).toMatch(message);
  expect(trailer).toEqual([`Trace ID: ${body.trace_id}`, `Correlation ID: ${body.correlation_id}`, `Timestamp: ${body.timestamp}`]);
  expect(response.headers['x-ms-request-id']).toBe(body.trace_id);
  return body;
}

describe('POST /{tenant}/oauth2/v2.0/token (client credentials)', () => {
  it('issues a v1.0 Azure DevOps token for a client secret sent in the body', async () => {
    const response = await postToken(GOOD);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(response.headers['cache-control']).toBe('no-store, no-cache');
    expect(response.headers.pragma).toBe('no-cache');
    const body = response.json<Record<string, unknown>>();
    expect(Object.keys(body)).toEqual(['token_type', 'expires_in', 'ext_expires_in', 'access_token']);
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599 });

    const verified = await verifyAccessToken(key, String(body.access_token), clock);
    expect(verified).toMatchObject({
      ok: true,
      claims: { appid: SP.appId, oid: SP.objectId, sub: SP.objectId, tid: TENANT, iss: `https://sts.windows.net/${TENANT}/`, ver: '1.0' },
    });
  });

  it('accepts the resource-URI form of the scope and a tenant GUID in upper case', async () => {
    const response = await postToken(
      { ...GOOD, scope: 'https://app.vssps.visualstudio.com/.default' },
      { url: `/${TENANT.toUpperCase()}/oauth2/v2.0/token` },
    );
    expect(response.statusCode).toBe(200);
  });

  it('accepts HTTP Basic client authentication (client_secret_basic), form-encoded or not', async () => {
    const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
    const { client_secret: _secret, client_id: _id, ...rest } = GOOD;

    const plain = await postToken(rest, { headers: { authorization: basic(SP.appId, SECRET) } });
    expect(plain.statusCode).toBe(200);
    const encoded = await postToken(rest, { headers: { authorization: basic(SP.appId, encodeURIComponent(ODD_SECRET)) } });
    expect(encoded.statusCode).toBe(200);
    const raw = await postToken(rest, { headers: { authorization: basic(SP.appId, ODD_SECRET) } });
    expect(raw.statusCode).toBe(200);
    const withBodyId = await postToken({ ...rest, client_id: SP.appId }, { headers: { authorization: basic(SP.appId, SECRET) } });
    expect(withBodyId.statusCode).toBe(200);

    const wrong = await postToken(rest, { headers: { authorization: basic(SP.appId, 'nope') } });
    expectEntraError(wrong, 401, 'invalid_client', 7000215);
  });

  it('issues tokens whose lifetime follows the injected clock, so they expire', async () => {
    const issuedAt = clock;
    clock = new Date('2025-01-01T00:00:00.000Z');
    try {
      const response = await postToken(GOOD);
      const token = response.json<{ access_token: string }>().access_token;
      expect(await verifyAccessToken(key, token, clock)).toMatchObject({ ok: true });
      expect(await verifyAccessToken(key, token, issuedAt)).toEqual({ ok: false, reason: 'expired' });
    } finally {
      clock = issuedAt;
    }
  });

  it('uses the caller\'s client-request-id as the correlation ID', async () => {
    const correlation = '0f0e0d0c-0b0a-4909-8807-060504030201';
    const response = await postToken({ ...GOOD, client_secret: 'wrong' }, { headers: { 'client-request-id': correlation } });
    expect(expectEntraError(response, 401, 'invalid_client', 7000215).correlation_id).toBe(correlation);
  });

  describe('errors', () => {
    it('unknown tenant: 400 invalid_request AADSTS90002', async () => {
      const missing = '00000000-1111-4222-8333-444444444444';
      const response = await postToken(GOOD, { url: `/${missing}/oauth2/v2.0/token` });
      expectEntraError(response, 400, 'invalid_request', 90002, new RegExp(`Tenant '${missing}' not found\\. Check to make sure`));
      const domain = await postToken(GOOD, { url: '/fabrikam.onmicrosoft.com/oauth2/v2.0/token' });
      expectEntraError(domain, 400, 'invalid_request', 90002, /Tenant 'fabrikam\.onmicrosoft\.com' not found/);
    });

    it('tenant that is neither a GUID nor a domain: 400 invalid_request AADSTS900023', async () => {
      const response = await postToken(GOOD, { url: '/not_a_tenant/oauth2/v2.0/token' });
      expectEntraError(response, 400, 'invalid_request', 900023, /Specified tenant identifier 'not_a_tenant' is neither a valid DNS name/);
    });

    it('/common and /consumers: 400 invalid_request AADSTS9001023; /organizations: AADSTS50059', async () => {
      for (const meta of ['common', 'consumers']) {
        const response = await postToken(GOOD, { url: `/${meta}/oauth2/v2.0/token` });
        expectEntraError(response, 400, 'invalid_request', 9001023, /not supported over the \/common or \/consumers endpoints/);
      }
      const organizations = await postToken(GOOD, { url: '/organizations/oauth2/v2.0/token' });
      expectEntraError(organizations, 400, 'invalid_request', 50059, /No tenant-identifying information/);
    });

    it('unknown client: 400 unauthorized_client AADSTS700016, naming the app and the directory', async () => {
      const stranger = 'deadbeef-0000-4000-8000-000000000000';
      const response = await postToken({ ...GOOD, client_id: stranger });
      expectEntraError(
        response,
        400,
        'unauthorized_client',
        700016,
        new RegExp(`Application with identifier '${stranger}' was not found in the directory '${TENANT}'`),
      );
      // The principal exists, but in another tenant than the one asked.
      const elsewhere = await postToken(GOOD, { url: `/${OTHER_TENANT}/oauth2/v2.0/token` });
      expectEntraError(elsewhere, 400, 'unauthorized_client', 700016, new RegExp(`directory '${OTHER_TENANT}'`));
    });

    it('wrong secret: 401 invalid_client AADSTS7000215', async () => {
      const response = await postToken({ ...GOOD, client_secret: 'not-the-secret' });
      expectEntraError(response, 401, 'invalid_client', 7000215, new RegExp(`Invalid client secret provided\\..*app '${SP.appId}'\\.$`));
    });

    it('no secret at all: 401 invalid_client AADSTS7000218', async () => {
      const { client_secret: _secret, ...noSecret } = GOOD;
      expectEntraError(await postToken(noSecret), 401, 'invalid_client', 7000218, /'client_assertion' or 'client_secret'/);
    });

    it('a client assertion (simulated apps have no certificates): 401 invalid_client AADSTS700027', async () => {
      const { client_secret: _secret, ...noSecret } = GOOD;
      const response = await postToken({
        ...noSecret,
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        client_assertion: 'eyJhbGciOiJSUzI1NiJ9.e30.c2ln',
      });
      expectEntraError(response, 401, 'invalid_client', 700027);
    });

    it('missing grant_type, including parameters sent as JSON or in the query: 400 invalid_request AADSTS900144', async () => {
      const { grant_type: _grant, ...noGrant } = GOOD;
      expectEntraError(await postToken(noGrant), 400, 'invalid_request', 900144, /following parameter: 'grant_type'\.$/);

      const json = await app.inject({ method: 'POST', url: TOKEN_URL, payload: GOOD });
      expectEntraError(json, 400, 'invalid_request', 900144, /'grant_type'/);
      const query = await app.inject({ method: 'POST', url: `${TOKEN_URL}?${form(GOOD)}` });
      expectEntraError(query, 400, 'invalid_request', 900144, /'grant_type'/);
      const brokenJson = await app.inject({ method: 'POST', url: TOKEN_URL, headers: { 'content-type': 'application/json' }, payload: '{' });
      expectEntraError(brokenJson, 400, 'invalid_request', 900144, /'grant_type'/);
    });

    it('unsupported grant_type: 400 unsupported_grant_type AADSTS70003', async () => {
      const response = await postToken({ ...GOOD, grant_type: 'password' });
      expectEntraError(response, 400, 'unsupported_grant_type', 70003, /unsupported grant type 'password'\.$/);
    });

    it('missing client_id or scope: 400 invalid_request AADSTS900144', async () => {
      const { client_id: _id, ...noId } = GOOD;
      expectEntraError(await postToken(noId), 400, 'invalid_request', 900144, /'client_id'/);
      const { scope: _scope, ...noScope } = GOOD;
      expectEntraError(await postToken(noScope), 400, 'invalid_request', 900144, /'scope'/);
      expectEntraError(await postToken({ ...GOOD, scope: '  ' }), 400, 'invalid_request', 900144, /'scope'/);
    });

    it('a scope without /.default (bare vso.code or resource-qualified): 400 invalid_scope AADSTS1002012', async () => {
      for (const scope of ['vso.code', `${AZURE_DEVOPS_RESOURCE_ID}/vso.code`, `${AZURE_DEVOPS_RESOURCE_ID}/user_impersonation`]) {
        const response = await postToken({ ...GOOD, scope });
        expectEntraError(response, 400, 'invalid_scope', 1002012, new RegExp(`scope ${scope.replace(/\./g, '\\.')} is not valid\\. Client credential flows`));
      }
    });

    it('several scopes at once: 400 invalid_scope AADSTS70011', async () => {
      const response = await postToken({ ...GOOD, scope: `${ADO_SCOPE} offline_access` });
      expectEntraError(response, 400, 'invalid_scope', 70011, /The provided value for the input parameter 'scope' is not valid/);
    });

    it('a .default scope for a resource other than Azure DevOps: 400 invalid_resource AADSTS500011', async () => {
      const response = await postToken({ ...GOOD, scope: 'https://graph.microsoft.com/.default' });
      expectEntraError(response, 400, 'invalid_resource', 500011, /resource principal named https:\/\/graph\.microsoft\.com was not found/);
    });

    it('does not say which resources exist before the client has authenticated', async () => {
      const response = await postToken({ ...GOOD, client_secret: 'wrong', scope: 'https://graph.microsoft.com/.default' });
      expectEntraError(response, 401, 'invalid_client', 7000215);
    });

    it('two client authentication methods at once: 400 invalid_request', async () => {
      const basic = `Basic ${Buffer.from(`${SP.appId}:${SECRET}`).toString('base64')}`;
      expectEntraError(await postToken(GOOD, { headers: { authorization: basic } }), 400, 'invalid_request', 9002313);
      const { client_secret: _secret, ...rest } = GOOD;
      const mismatch = await postToken({ ...rest, client_id: 'deadbeef-0000-4000-8000-000000000000' }, { headers: { authorization: basic } });
      expectEntraError(mismatch, 400, 'invalid_request', 9002313);
    });
  });

  it('keeps its body parsers to itself', async () => {
    const json = await app.inject({ method: 'POST', url: '/echo', payload: { a: 1 } });
    expect(json.json()).toEqual({ body: { a: 1 } });
    const urlencoded = await app.inject({
      method: 'POST',
      url: '/echo',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'a=1',
    });
    expect(urlencoded.statusCode).toBe(415);
  });
});

describe('discovery and keys', () => {
  it('serves the v2.0 OpenID configuration on the called host', async () => {
    const response = await app.inject({ method: 'GET', url: `/${TENANT}/v2.0/.well-known/openid-configuration` });
    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toBe('max-age=86400, private');
    expect(response.headers['access-control-allow-origin']).toBe('*');
    const doc = response.json<Record<string, unknown>>();
    expect(doc).toMatchObject({
      token_endpoint: `${BASE}/${TENANT}/oauth2/v2.0/token`,
      token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
      jwks_uri: `${BASE}/${TENANT}/discovery/v2.0/keys`,
      issuer: `${BASE}/${TENANT}/v2.0`,
      authorization_endpoint: `${BASE}/${TENANT}/oauth2/v2.0/authorize`,
      device_authorization_endpoint: `${BASE}/${TENANT}/oauth2/v2.0/devicecode`,
      end_session_endpoint: `${BASE}/${TENANT}/oauth2/v2.0/logout`,
      id_token_signing_alg_values_supported: ['RS256'],
      scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
      tenant_region_scope: 'WW',
      cloud_instance_name: 'microsoftonline.com',
      request_uri_parameter_supported: false,
    });
    // Real documents advertise neither; clients must not depend on them.
    expect(doc).not.toHaveProperty('code_challenge_methods_supported');
    expect(doc).not.toHaveProperty('grant_types_supported');
  });

  it('uses the {tenantid} issuer template for /common and /organizations', async () => {
    for (const meta of ['common', 'organizations']) {
      const doc = (await app.inject({ method: 'GET', url: `/${meta}/v2.0/.well-known/openid-configuration` })).json<Record<string, unknown>>();
      expect(doc.issuer).toBe(`${BASE}/{tenantid}/v2.0`);
      expect(doc.token_endpoint).toBe(`${BASE}/${meta}/oauth2/v2.0/token`);
      expect(doc.tenant_region_scope).toBeNull();
    }
  });

  it('serves a v1.0 configuration whose issuer is the one in v1 access tokens', async () => {
    const doc = (await app.inject({ method: 'GET', url: `/${TENANT}/.well-known/openid-configuration` })).json<Record<string, unknown>>();
    expect(doc.issuer).toBe(`https://sts.windows.net/${TENANT}/`);
    expect(doc.jwks_uri).toBe(`${BASE}/${TENANT}/discovery/keys`);
  });

  it('answers an unknown tenant with 400 invalid_tenant AADSTS90002', async () => {
    const response = await app.inject({ method: 'GET', url: '/00000000-1111-4222-8333-444444444444/v2.0/.well-known/openid-configuration' });
    expectEntraError(response, 400, 'invalid_tenant', 90002);
  });

  it('publishes the signing keys (current and rotated-out) at both JWKS paths, without private parts', async () => {
    for (const path of ['discovery/v2.0/keys', 'discovery/keys']) {
      const response = await app.inject({ method: 'GET', url: `/${TENANT}/${path}` });
      expect(response.statusCode).toBe(200);
      const { keys } = response.json<{ keys: Record<string, unknown>[] }>();
      expect(keys).toEqual([
        { kty: 'RSA', use: 'sig', kid: key.kid, x5t: key.kid, n: key.publicJwk.n, e: 'AQAB' },
        { kty: 'RSA', use: 'sig', kid: previousKey.kid, x5t: previousKey.kid, n: previousKey.publicJwk.n, e: 'AQAB' },
      ]);
      expect(Object.keys(keys[0] ?? {})).toEqual(['kty', 'use', 'kid', 'x5t', 'n', 'e']);
    }
  });

  it('lets a standard JOSE client verify an issued token from the JWKS alone', async () => {
    const token = (await postToken(GOOD)).json<{ access_token: string }>().access_token;
    const jwks = (await app.inject({ method: 'GET', url: `/${TENANT}/discovery/keys` })).json<JSONWebKeySet>();
    const { payload, protectedHeader } = await jwtVerify(token, createLocalJWKSet(jwks), {
      issuer: `https://sts.windows.net/${TENANT}/`,
      audience: AZURE_DEVOPS_RESOURCE_ID,
      algorithms: ['RS256'],
      currentDate: clock,
    });
    expect(protectedHeader).toEqual({ typ: 'JWT', alg: 'RS256', x5t: key.kid, kid: key.kid });
    expect(payload).toMatchObject({ appid: SP.appId, oid: SP.objectId, sub: SP.objectId, tid: TENANT, appidacr: '1', ver: '1.0' });
    expect(payload).not.toHaveProperty('scp');
    expect(payload).not.toHaveProperty('roles');
  });
});
