import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../simulator/index.js';
import { basic, gitAuthEnv, run } from './helpers.js';

// Authentication as Azure DevOps does it (FACTS §3): PATs over Basic with any user name, the 203 sign-in page
// unless X-TFS-FedAuthRedirect: Suppress, expired PATs, scopes, organizations, and Entra service principals.
describe('simulator authentication', () => {
  let sim: RunningSimulator;
  let full: string;
  let expired: string;
  let projectOnly: string;
  let contosoOnly: string;
  let tenantId: string;
  let member: { clientId: string; clientSecret: string; objectId: string };
  let outsider: { clientId: string; clientSecret: string; objectId: string };
  const SUPPRESS = { 'x-tfs-fedauthredirect': 'Suppress' };

  beforeAll(async () => {
    sim = await startSimulator({ seed: 'empty' });
    const c = sim.control;
    const org = await c.createHost({ name: 'fabrikam' });
    tenantId = org.tenantId;
    await c.createHost({ name: 'contoso' });
    const alice = await c.createUser({ uniqueName: 'alice@example.com', hosts: ['fabrikam', 'contoso'] });
    full = (await c.createPat({ user: alice.id })).token;
    expired = (await c.createPat({ user: alice.id, validTo: '2020-01-01T00:00:00Z' })).token;
    projectOnly = (await c.createPat({ user: alice.id, scope: 'vso.project' })).token;
    contosoOnly = (await c.createPat({ user: alice.id, hosts: ['contoso'] })).token;
    await c.createProject('fabrikam', { name: 'Fiber' });
    await c.createRepository('fabrikam', 'Fiber', { name: 'web' });
    await c.pushCommits({ host: 'fabrikam', project: 'Fiber', repository: 'web', branch: 'main', commits: [{ message: 'one', changes: [{ changeType: 'add', path: '/a', content: Buffer.from('a') }] }] });
    const m = await c.createServicePrincipal({ displayName: 'ci-bot', hosts: ['fabrikam'] });
    member = { clientId: m.principal.appId, clientSecret: m.clientSecret, objectId: m.principal.id };
    const o = await c.createServicePrincipal({ displayName: 'stranger', tenantId });
    outsider = { clientId: o.principal.appId, clientSecret: o.clientSecret, objectId: o.principal.id };
  });

  afterAll(async () => sim?.stop());

  const get = (path: string, headers: Record<string, string> = {}) => fetch(`${sim.url}${path}`, { headers, redirect: 'manual' });

  it('accepts a PAT over Basic with any user name', async () => {
    for (const user of ['', 'anything', 'alice@example.com']) {
      const r = await get('/fabrikam/_apis/projects?api-version=7.1', { authorization: `Basic ${Buffer.from(`${user}:${full}`).toString('base64')}` });
      expect(r.status).toBe(200);
    }
  });

  it('answers a bad PAT with 203 and an HTML sign-in page unless redirects are suppressed', async () => {
    const page = await get('/fabrikam/_apis/projects', { authorization: basic('not-a-real-token-at-all') });
    expect(page.status).toBe(203);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await page.text()).toContain('Azure DevOps Services | Sign In');
    const suppressed = await get('/fabrikam/_apis/projects', { authorization: basic('not-a-real-token-at-all'), ...SUPPRESS });
    expect(suppressed.status).toBe(401);
    expect((await suppressed.json()) as Record<string, unknown>).toMatchObject({ typeKey: 'UnauthorizedRequestException', message: expect.stringContaining('TF400813') });
  });

  it('answers an expired PAT with the AccessCheckException body and X-TFS-ServiceError', async () => {
    expect((await get('/fabrikam/_apis/projects', { authorization: basic(expired) })).status).toBe(203);
    const r = await get('/fabrikam/_apis/projects', { authorization: basic(expired), ...SUPPRESS });
    expect(r.status).toBe(401);
    expect(decodeURIComponent(r.headers.get('x-tfs-serviceerror') ?? '')).toBe('Access Denied: The Personal Access Token used has expired.');
    expect((await r.json()) as Record<string, unknown>).toMatchObject({ typeKey: 'AccessCheckException', message: 'Access Denied: The Personal Access Token used has expired.', errorCode: 0, eventId: 3000 });
  });

  it('answers a missing scope with 401 TF400813 even when the PAT is valid', async () => {
    expect((await get('/fabrikam/_apis/projects', { authorization: basic(projectOnly) })).status).toBe(200);
    const r = await get('/fabrikam/Fiber/_apis/git/repositories', { authorization: basic(projectOnly), ...SUPPRESS });
    expect(r.status).toBe(401);
    expect(((await r.json()) as Record<string, unknown>).message).toMatch(/^TF400813: The user '[0-9a-f-]+' is not authorized/);
  });

  it('treats a PAT made for another organization as invalid here', async () => {
    expect((await get('/contoso/_apis/projects', { authorization: basic(contosoOnly) })).status).toBe(200);
    expect((await get('/fabrikam/_apis/projects', { authorization: basic(contosoOnly), ...SUPPRESS })).status).toBe(401);
  });

  it('names the tenant to anonymous callers with X-VSS-ResourceTenant and WWW-Authenticate', async () => {
    const head = await fetch(`${sim.url}/fabrikam`, { method: 'HEAD' });
    expect(head.status).toBe(401);
    expect(head.headers.get('x-vss-resourcetenant')).toBe(tenantId);
    expect(head.headers.get('www-authenticate')).toContain(`Bearer authorization_uri=${sim.url}/${tenantId}`);
    const suppressed = await get('/fabrikam/_apis/connectionData', SUPPRESS);
    expect(suppressed.status).toBe(401);
    expect(suppressed.headers.get('x-vss-resourcetenant')).toBe(tenantId);
  });

  it('accepts Entra tokens of a service principal added to the organization, for REST and git', async () => {
    const token = await clientCredentials(member);
    const r = await get('/fabrikam/_apis/projects', { authorization: `Bearer ${token}` });
    expect(r.status).toBe(200);
    const data = await get('/fabrikam/_apis/connectionData', { authorization: `Bearer ${token}` });
    expect(((await data.json()) as { authenticatedUser: { id: string } }).authenticatedUser.id).toBe(member.objectId);
    const git = await run('git', ['ls-remote', `${sim.url}/fabrikam/Fiber/_git/web`], { env: gitAuthEnv(`Bearer ${token}`) });
    expect(git.code, git.stderr).toBe(0);
    expect(git.stdout).toContain('refs/heads/main');
  });

  it('answers TF401444 to a service principal that was not added to the organization', async () => {
    const token = await clientCredentials(outsider);
    const r = await get('/fabrikam/_apis/projects', { authorization: `Bearer ${token}`, ...SUPPRESS });
    expect(r.status).toBe(401);
    expect(((await r.json()) as Record<string, unknown>).message).toBe(`TF401444: Sign-in at least once as ${tenantId}\\${tenantId}\\${outsider.objectId} in a web browser to enable access to the service.`);
  });

  it('checks the api-version from the query string and the Accept header', async () => {
    const auth = { authorization: basic(full) };
    expect((await get('/fabrikam/_apis/projects', { ...auth, accept: 'application/json;api-version=7.2-preview.4' })).status).toBe(200);
    const high = await get('/fabrikam/_apis/projects?api-version=8.0', auth);
    expect(high.status).toBe(400);
    expect(((await high.json()) as Record<string, unknown>).typeKey).toBe('VssVersionOutOfRangeException');
    expect((await get('/fabrikam/_apis/projects?api-version=7.2', auth)).status).toBe(400);
  });

  async function clientCredentials(p: { clientId: string; clientSecret: string }): Promise<string> {
    const r = await fetch(`${sim.url}/${tenantId}/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: p.clientId, client_secret: p.clientSecret, scope: '499b84ac-1321-427f-aa17-267ca6975798/.default' }),
    });
    expect(r.status).toBe(200);
    return ((await r.json()) as { access_token: string }).access_token;
  }
});
