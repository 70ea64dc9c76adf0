import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../simulator/index.js';
import { parseAzureUrl } from '../../src/azure/urls.js';
import type { AzdoError } from '../../src/errors/azdo-error.js';
import {
  assertCredentialFitsDeployment,
  AZURE_DEVOPS_SCOPE,
  DEFAULT_AUTHORITY,
  ServicePrincipalErrorCodes as Codes,
  ServicePrincipalTokenSource,
  validateServicePrincipalInput,
} from '../../src/credentials/service-principal.js';
import { rejection } from '../helpers/rejection.js';

let sim: RunningSimulator;
let tenantId: string;
let clientId: string;
let clientSecret: string;

beforeAll(async () => {
  sim = await startSimulator({ seed: 'empty' });
  await sim.control.createHost({ name: 'fabrikam' });
  const created = await sim.control.createServicePrincipal({ displayName: 'ci pipeline', hosts: ['fabrikam'] });
  tenantId = created.principal.tenantId;
  clientId = created.principal.appId;
  clientSecret = created.clientSecret;
});

afterAll(async () => {
  await sim.stop();
});

afterEach(async () => {
  await fetch(`${sim.controlUrl}/faults`, { method: 'DELETE' });
});

function source(overrides: { tenantId?: string; clientId?: string; clientSecret?: string } = {}, o: ConstructorParameters<typeof ServicePrincipalTokenSource>[1] = {}) {
  return new ServicePrincipalTokenSource({ tenantId, clientId, clientSecret, authority: sim.url, ...overrides }, o);
}

async function lastSeq(): Promise<number> {
  return ((await (await fetch(`${sim.controlUrl}/requests`)).json()) as { lastSeq: number }).lastSeq;
}

/** Token requests the simulator's Entra ID answered since `since`. */
async function tokenRequests(since: number): Promise<number> {
  const log = (await (await fetch(`${sim.controlUrl}/requests?since=${since}`)).json()) as { requests: Array<{ url: string }> };
  return log.requests.filter((r) => r.url.includes('/oauth2/v2.0/token')).length;
}


function expectNoSecret(error: AzdoError, secret: string): void {
  const everything = [error.message, error.hint, JSON.stringify(error.details), JSON.stringify(error), String(error.stack), inspect(error, { depth: 10 })].join('\n');
  expect(everything).not.toContain(secret);
}

describe('ServicePrincipalTokenSource against the simulated Entra ID', () => {
  it('gets a token Azure DevOps accepts as Bearer', async () => {
    const header = await source().authorizationHeader();
    expect(header).toMatch(/^Bearer eyJ/);
    const response = await fetch(`${sim.url}/fabrikam/_apis/projects?api-version=7.1`, {
      headers: { authorization: header, accept: 'application/json', 'x-tfs-fedauthredirect': 'Suppress' },
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ count: 0, value: [] });
  });

  it('reports when the token expires', async () => {
    const before = Date.now();
    const { expiresAt } = await source().getToken();
    expect(expiresAt.getTime()).toBeGreaterThanOrEqual(before + 3590_000);
    expect(expiresAt.getTime()).toBeLessThanOrEqual(Date.now() + 3600_000);
  });

  it('reuses the token without a request until 5 minutes before it expires', async () => {
    let now = Date.now();
    const tokens = source({}, { now: () => now });
    const since = await lastSeq();
    const first = await tokens.getToken();
    expect(await tokenRequests(since)).toBe(1);

    now += 3599_000 - 5 * 60_000 - 1000;
    expect(await tokens.getToken()).toBe(first);
    expect(await tokenRequests(since)).toBe(1);

    now += 2000;
    const second = await tokens.getToken();
    expect(second).not.toBe(first);
    expect(await tokenRequests(since)).toBe(2);
  });

  it('asks again after invalidate()', async () => {
    const tokens = source();
    const since = await lastSeq();
    await tokens.getToken();
    tokens.invalidate();
    await tokens.getToken();
    expect(await tokenRequests(since)).toBe(2);
  });

  it('makes one request for callers who ask at the same time', async () => {
    await fetch(`${sim.controlUrl}/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ path: '/oauth2/v2.0/token$', latencyMs: 300, times: 5 }),
    });
    const tokens = source();
    const since = await lastSeq();
    const results = await Promise.all(Array.from({ length: 5 }, () => tokens.getToken()));
    expect(new Set(results.map((r) => r.token)).size).toBe(1);
    expect(await tokenRequests(since)).toBe(1);
  });

  it('refuses a wrong secret with AZDO_SP_SECRET_INVALID, keeping the AADSTS code and trace id but never the secret', async () => {
    const wrong = `${clientSecret.slice(0, -4)}Zz9~`;
    const error = await rejection(source({ clientSecret: wrong }).getToken());
    expect(error.code).toBe(Codes.SECRET_INVALID);
    expect(error.hint).toContain('secret VALUE, not its ID');
    expect(error.details).toMatchObject({ aadsts: 'AADSTS7000215', error: 'invalid_client', status: 401, clientId });
    expect(error.details?.traceId).toMatch(/^[0-9a-f-]{36}$/);
    expectNoSecret(error, wrong);
    expectNoSecret(error, clientSecret);
  });

  it('points at the secret ID when the secret given looks like one', async () => {
    const error = await rejection(source({ clientSecret: randomUUID() }).getToken());
    expect(error.code).toBe(Codes.SECRET_INVALID);
    expect(error.hint).toContain('shape of a GUID');
  });

  it('reports an unknown tenant with AZDO_SP_TENANT_NOT_FOUND', async () => {
    const other = randomUUID();
    const error = await rejection(source({ tenantId: other }).getToken());
    expect(error.code).toBe(Codes.TENANT_NOT_FOUND);
    expect(error.message).toContain(other);
    expect(error.details).toMatchObject({ aadsts: 'AADSTS90002' });
    expectNoSecret(error, clientSecret);
  });

  it('reports an unknown application with AZDO_SP_CLIENT_NOT_FOUND', async () => {
    const other = randomUUID();
    const error = await rejection(source({ clientId: other }).getToken());
    expect(error.code).toBe(Codes.CLIENT_NOT_FOUND);
    expect(error.message).toContain(other);
    expect(error.details).toMatchObject({ aadsts: 'AADSTS700016' });
  });

  it('does not cache a failure: after an outage the next call succeeds', async () => {
    await fetch(`${sim.controlUrl}/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ path: '/oauth2/v2.0/token$', status: 503, times: 1 }),
    });
    const tokens = source();
    const error = await rejection(tokens.getToken());
    expect(error.code).toBe(Codes.TOKEN_FAILED);
    expect(error.message).toContain('HTTP 503');
    expect((await tokens.getToken()).token).toMatch(/^eyJ/);
  });

  it('reports an authority that does not answer', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const unreachable = new ServicePrincipalTokenSource({ tenantId, clientId, clientSecret, authority: `http://127.0.0.1:${port}` });
    const error = await rejection(unreachable.getToken());
    expect(error.code).toBe(Codes.TOKEN_FAILED);
    expect(error.message).toMatch(/Could not reach Entra ID .*ECONNREFUSED/);
  });

  it('keeps the secret out of JSON and inspect output of the source itself', () => {
    const tokens = source();
    expect(JSON.stringify(tokens)).not.toContain(clientSecret);
    expect(inspect(tokens, { depth: 10, showHidden: true })).not.toContain(clientSecret);
  });
});

describe('Entra answers the simulator does not produce (replayed from ENTRA.md §1.5, §1.10)', () => {
  let server: Server;
  let authority: string;
  let answer: { status: number; type: string; body: string };
  let received: { url: string; body: string } | undefined;

  beforeAll(async () => {
    server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        received = { url: request.url ?? '', body };
        response.writeHead(answer.status, { 'content-type': answer.type }).end(answer.body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    authority = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  const entraError = (status: number, error: string, code: number, text: string) => ({
    status,
    type: 'application/json; charset=utf-8',
    body: JSON.stringify({
      error,
      error_description: `AADSTS${code}: ${text}\r\nTrace ID: 0b4f8d5e-1a2b-4c3d-9e8f-001122334455\r\nCorrelation ID: 9a8b7c6d-0000-4000-8000-000000000001\r\nTimestamp: 2025-05-01 10:00:00Z`,
      error_codes: [code],
      timestamp: '2025-05-01 10:00:00Z',
      trace_id: '0b4f8d5e-1a2b-4c3d-9e8f-001122334455',
      correlation_id: '9a8b7c6d-0000-4000-8000-000000000001',
      error_uri: `https://login.microsoftonline.com/error?code=${code}`,
    }),
  });

  const replay = () => new ServicePrincipalTokenSource({ tenantId, clientId, clientSecret, authority }).getToken();

  it('sends the client-credentials grant for Azure DevOps to {authority}/{tenant}/oauth2/v2.0/token', async () => {
    answer = { status: 200, type: 'application/json', body: JSON.stringify({ token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: 'eyJ.x.y' }) };
    expect((await replay()).token).toBe('eyJ.x.y');
    expect(received?.url).toBe(`/${tenantId}/oauth2/v2.0/token`);
    const form = new URLSearchParams(received?.body);
    expect(Object.fromEntries(form)).toEqual({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret, scope: AZURE_DEVOPS_SCOPE });
  });

  it('reports an expired secret with AZDO_SP_SECRET_EXPIRED', async () => {
    answer = entraError(401, 'invalid_client', 7000222, `The provided client secret keys for app '${clientId}' are expired.`);
    const error = await rejection(replay());
    expect(error.code).toBe(Codes.SECRET_EXPIRED);
    expect(error.hint).toMatch(/new client secret/);
    expect(error.details).toMatchObject({ aadsts: 'AADSTS7000222', traceId: '0b4f8d5e-1a2b-4c3d-9e8f-001122334455', correlationId: '9a8b7c6d-0000-4000-8000-000000000001' });
  });

  it('reports a refused scope with AZDO_SP_SCOPE_INVALID', async () => {
    answer = entraError(400, 'invalid_scope', 70011, "The provided value for the input parameter 'scope' is not valid.");
    expect((await rejection(replay())).code).toBe(Codes.SCOPE_INVALID);
    answer = entraError(400, 'invalid_resource', 500011, 'The resource principal named 499b84ac-1321-427f-aa17-267ca6975798 was not found in the tenant.');
    const error = await rejection(replay());
    expect(error.code).toBe(Codes.SCOPE_INVALID);
    expect(error.message).toContain('does not know the Azure DevOps resource');
  });

  it('keeps any other AADSTS code in AZDO_SP_TOKEN_FAILED, scrubbing the secret even if an answer repeats it', async () => {
    answer = entraError(400, 'invalid_request', 50058, `Silent sign-in failed while using ${clientSecret}.`);
    const error = await rejection(replay());
    expect(error.code).toBe(Codes.TOKEN_FAILED);
    expect(error.details).toMatchObject({ aadsts: 'AADSTS50058', error: 'invalid_request' });
    expect(error.hint).toContain('error?code=50058');
    expectNoSecret(error, clientSecret);
  });

  it('explains an HTML page (a proxy, a wrong authority) instead of failing to parse it', async () => {
    answer = { status: 502, type: 'text/html', body: '<html><body>Bad gateway</body></html>' };
    const error = await rejection(replay());
    expect(error.code).toBe(Codes.TOKEN_FAILED);
    expect(error.message).toContain('HTTP 502 without an Entra error');
  });

  it('refuses a success answer without a usable token', async () => {
    answer = { status: 200, type: 'application/json', body: JSON.stringify({ token_type: 'Bearer', access_token: 'eyJ.x.y' }) };
    expect((await rejection(replay())).message).toContain('without a usable access token');
  });
});

describe('validateServicePrincipalInput', () => {
  const good = { tenantId: '72F988BF-86F1-41AF-91AB-2D7CD011DB47', clientId: ' 0d50963b-7bb9-4fe7-94c7-a99af00b5136 ', clientSecret: 'abc~DEF.123\n' };

  it('trims the fields and lower-cases the GUIDs', () => {
    expect(validateServicePrincipalInput(good)).toEqual({
      tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47',
      clientId: '0d50963b-7bb9-4fe7-94c7-a99af00b5136',
      clientSecret: 'abc~DEF.123',
    });
  });

  it('accepts a tenant domain and a loopback or https authority', () => {
    expect(validateServicePrincipalInput({ ...good, tenantId: 'Contoso.onmicrosoft.com' }).tenantId).toBe('contoso.onmicrosoft.com');
    expect(validateServicePrincipalInput({ ...good, authority: 'https://login.microsoftonline.us/' }).authority).toBe('https://login.microsoftonline.us');
    expect(validateServicePrincipalInput({ ...good, authority: sim.url }).authority).toBe(sim.url);
  });

  it('names every bad field at once, without the secret', () => {
    try {
      validateServicePrincipalInput({ tenantId: 'not a tenant', clientId: 'my-app', clientSecret: '  ', authority: 'http://login.example.com' });
      throw new Error('expected a refusal');
    } catch (error) {
      const e = error as AzdoError;
      expect(e.code).toBe(Codes.INPUT_INVALID);
      const fields = (e.details?.fields as Array<{ field: string }>).map((f) => f.field);
      expect(fields).toEqual(['tenantId', 'clientId', 'clientSecret', 'authority']);
      for (const field of fields) expect(e.message).toContain(field);
    }
  });

  it('refuses the meta tenants, which the client-credentials grant cannot use', () => {
    for (const tenant of ['common', 'organizations', 'consumers']) {
      expect(() => validateServicePrincipalInput({ ...good, tenantId: tenant })).toThrow(/names no tenant/);
    }
  });

  it('catches the tenant ID pasted as the client ID', () => {
    expect(() => validateServicePrincipalInput({ ...good, clientId: good.tenantId })).toThrow(/same GUID as the tenant ID/);
  });

  it('refuses an authority that would send the secret in clear text or carries credentials', () => {
    expect(() => validateServicePrincipalInput({ ...good, authority: 'http://login.microsoftonline.com' })).toThrow(/https/);
    expect(() => validateServicePrincipalInput({ ...good, authority: 'https://user:pw@login.microsoftonline.com' })).toThrow(/user name/);
    expect(() => validateServicePrincipalInput({ ...good, authority: 'login.microsoftonline.com' })).toThrow(/not a URL/);
  });

  it('is checked when a token source is made, before any request', () => {
    expect(() => new ServicePrincipalTokenSource({ ...good, clientSecret: '' })).toThrow(expect.objectContaining({ code: Codes.INPUT_INVALID }));
    expect(new ServicePrincipalTokenSource(good).authority).toBe(DEFAULT_AUTHORITY);
  });
});

describe('assertCredentialFitsDeployment', () => {
  const sp = { type: 'servicePrincipal' as const, tenantId: randomUUID(), clientId: randomUUID(), clientSecret: 'x' };
  const server = parseAzureUrl('https://tfs.contoso.com/tfs/DefaultCollection').deployment;
  const services = parseAzureUrl('https://dev.azure.com/fabrikam').deployment;

  it('refuses a service principal for Azure DevOps Server', () => {
    expect(server.kind).toBe('server');
    expect(() => assertCredentialFitsDeployment(sp, server)).toThrow(
      expect.objectContaining({ code: Codes.SERVER_UNSUPPORTED, hint: 'Use a PAT or an SSH key for this connection.' }),
    );
  });

  it('accepts a service principal for Services, and PATs and SSH keys anywhere', () => {
    expect(() => assertCredentialFitsDeployment(sp, services)).not.toThrow();
    expect(() => assertCredentialFitsDeployment({ type: 'pat', token: 't' }, server)).not.toThrow();
    expect(() => assertCredentialFitsDeployment({ type: 'ssh', publicKey: 'ssh-rsa AAAA', fingerprint: 'SHA256:x' }, server)).not.toThrow();
  });
});
