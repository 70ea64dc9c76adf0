import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../../simulator/index.js';
import { AzdoClient, parseAdoErrorBody, patAuth, tfCodeOf } from '../../../src/azure/client/index.js';
import { apiError, json, startLocalServer, type LocalServer } from './client-helpers.js';

// Azure DevOps' error bodies (FACTS §2.16) become one error type with a stable code; its own TF/VS codes are kept.
describe('AzdoClient errors', () => {
  let sim: RunningSimulator;
  let pat: string;
  let server: LocalServer;
  const clients: AzdoClient[] = [];
  const client = (baseUrl: string, o: Partial<ConstructorParameters<typeof AzdoClient>[0]> = {}): AzdoClient => {
    const c = new AzdoClient({ baseUrl, auth: patAuth(pat), retries: 0, sleep: async () => {}, ...o });
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    sim = await startSimulator({ seed: 'empty' });
    const c = sim.control;
    await c.createHost({ name: 'fabrikam' });
    await c.createHost({ name: 'OldCollection', kind: 'server', serverVersion: '2020' });
    await c.createProject('fabrikam', { name: 'Fiber' });
    await c.createProject('OldCollection', { name: 'Legacy' });
    const alice = await c.createUser({ uniqueName: 'alice@example.com', hosts: ['fabrikam', 'OldCollection'] });
    pat = (await c.createPat({ user: alice.id })).token;
    server = await startLocalServer((req, res) => {
      const path = req.url ?? '';
      if (path.startsWith('/org/_apis/text')) {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end('plain words');
      } else if (path.startsWith('/org/_apis/broken')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"count": 1, "value": [');
      } else if (path.startsWith('/org/_apis/forbidden')) {
        json(res, 403, { $id: '1', message: "TF401027: You need the Git 'GenericContribute' permission to perform this action.", typeKey: 'GitNeedsPermissionException', errorCode: 0, eventId: 3000 });
      } else if (path.startsWith('/org/_apis/headeronly')) {
        res.writeHead(401, { 'content-type': 'text/html', 'x-tfs-serviceerror': encodeURIComponent('Access Denied: The Personal Access Token used has expired.') });
        res.end('<html><title>Object moved</title></html>');
      } else if (path.startsWith('/org/_apis/conflict')) {
        json(res, 409, { message: "TF401028: The reference 'refs/heads/main' has already been updated by another client, so you cannot update it.", typeKey: 'GitReferenceStaleException' });
      } else {
        json(res, 404, { message: 'unknown' });
      }
    });
  });

  afterAll(async () => {
    for (const c of clients) c.close();
    await server?.stop();
    await sim?.stop();
  });

  it('reads the TF or VS code at the start of a message', () => {
    expect(tfCodeOf('TF401019: The Git repository with name or identifier x does not exist')).toBe('TF401019');
    expect(tfCodeOf('VS30063: You are not authorized to access https://dev.azure.com/x.')).toBe('VS30063');
    expect(tfCodeOf('Access Denied: The Personal Access Token used has expired.')).toBeUndefined();
    expect(tfCodeOf(undefined)).toBeUndefined();
  });

  it('reads the message from X-TFS-ServiceError when the body is not JSON', () => {
    const body = parseAdoErrorBody({ status: 401, headers: { 'x-tfs-serviceerror': 'Access%20Denied%3A%20expired' }, body: Buffer.from('<html>') });
    expect(body).toEqual({ message: 'Access Denied: expired' });
  });

  it('maps a missing repository to AZDO_NOT_FOUND and keeps TF401019 and its typeKey', async () => {
    const e = await apiError(client(`${sim.url}/fabrikam`).get('Fiber/_apis/git/repositories/nope'), 'AZDO_NOT_FOUND');
    expect(e.status).toBe(404);
    expect(e.tfCode).toBe('TF401019');
    expect(e.typeKey).toBe('GitRepositoryNotFoundException');
    expect(e.message).toContain('nope');
    expect(e.hint).toContain('may not read');
    expect(e.activityId).toMatch(/^[0-9a-f-]{36}$/);
    expect(e.details).toMatchObject({ status: 404, tfCode: 'TF401019', method: 'GET' });
  });

  it('keeps TF200016 for a project name and VS800075 for a project id', async () => {
    const c = client(`${sim.url}/fabrikam`);
    expect((await apiError(c.get('NoSuchProject/_apis/git/repositories'), 'AZDO_NOT_FOUND')).tfCode).toBe('TF200016');
    const byId = await apiError(c.get('6ba8e262-acc8-42f3-a50b-528cc27c1e24/_apis/git/repositories'), 'AZDO_NOT_FOUND');
    expect(byId.tfCode).toBe('VS800075');
  });

  it('tells a server too old for the api-version from other bad requests', async () => {
    const old = client(`${sim.url}/OldCollection`);
    const e = await apiError(old.get('_apis/projects'), 'AZDO_API_VERSION_UNSUPPORTED');
    expect(e.typeKey).toBe('VssVersionOutOfRangeException');
    expect(e.message).toContain('7.1');
    const ok = await old.get<{ value: Array<{ name: string }> }>('_apis/projects', { apiVersion: '6.0' });
    expect(ok.data.value.map((p) => p.name)).toEqual(['Legacy']);
  });

  it('maps a rejected argument to AZDO_REQUEST_REJECTED with Azure DevOps\' words', async () => {
    const e = await apiError(client(`${sim.url}/fabrikam`).get('_apis/projects', { query: { $top: -1 } }), 'AZDO_REQUEST_REJECTED');
    expect(e.status).toBe(400);
    expect(e.typeKey).toBe('InvalidArgumentValueException');
    expect(e.message).toContain('$top');
  });

  it('maps 403 to AZDO_FORBIDDEN with the permission Azure DevOps names', async () => {
    const e = await apiError(client(`${server.url}/org`).get('_apis/forbidden'), 'AZDO_FORBIDDEN');
    expect(e.tfCode).toBe('TF401027');
    expect(e.message).toContain('GenericContribute');
  });

  it('recognises an expired token from X-TFS-ServiceError alone', async () => {
    await apiError(client(`${server.url}/org`).get('_apis/headeronly'), 'AZDO_AUTH_EXPIRED');
  });

  it('keeps the status of a conflict so callers can tell it apart', async () => {
    const e = await apiError(client(`${server.url}/org`).put('_apis/conflict', { a: 1 }), 'AZDO_REQUEST_REJECTED');
    expect(e.status).toBe(409);
    expect(e.tfCode).toBe('TF401028');
  });

  it('refuses text where JSON was asked for, and JSON that does not parse', async () => {
    const c = client(`${server.url}/org`);
    const text = await apiError(c.get('_apis/text'), 'AZDO_BAD_RESPONSE');
    expect(text.message).toContain('text/plain');
    await apiError(c.get('_apis/broken'), 'AZDO_BAD_RESPONSE');
    expect((await c.get<string>('_apis/text', { accept: 'text' })).data).toBe('plain words');
    expect((await c.get<Buffer>('_apis/text', { accept: 'binary' })).data.toString('utf8')).toBe('plain words');
  });
});
