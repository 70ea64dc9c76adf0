import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../../simulator/index.js';
import { AzdoClient, bearerAuth, patAuth } from '../../../src/azure/client/index.js';
import { apiError, json, startLocalServer, type LocalServer } from './client-helpers.js';

const ADO_RESOURCE = '499b84ac-1321-427f-aa17-267ca6975798';

// Authentication as Azure DevOps answers it (FACTS §3): PATs over Basic, Entra bearer tokens, and the many shapes of
// "no": 401 bodies, 203 sign-in pages, redirects to a login page.
describe('AzdoClient authentication', () => {
  let sim: RunningSimulator;
  let org: string;
  let pat52: string;
  let pat84: string;
  let expired: string;
  let outsiderPat: string;
  let tenantId: string;
  let member: { clientId: string; clientSecret: string; objectId: string };
  let notAdded: { clientId: string; clientSecret: string; objectId: string };
  const clients: AzdoClient[] = [];
  const client = (o: Partial<ConstructorParameters<typeof AzdoClient>[0]> = {}): AzdoClient => {
    const c = new AzdoClient({ baseUrl: org, retries: 0, sleep: async () => {}, ...o });
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    sim = await startSimulator({ seed: 'empty' });
    org = `${sim.url}/fabrikam`;
    const c = sim.control;
    tenantId = (await c.createHost({ name: 'fabrikam' })).tenantId;
    await c.createHost({ name: 'contoso' });
    await c.createProject('fabrikam', { name: 'Fiber' });
    const alice = await c.createUser({ uniqueName: 'alice@example.com', hosts: ['fabrikam'] });
    const bob = await c.createUser({ uniqueName: 'bob@example.com', hosts: ['contoso'] });
    pat52 = (await c.createPat({ user: alice.id })).token;
    // Since July 2024 new PATs have 84 characters with "AZDO" at positions 76-80 (FACTS §3.1).
    pat84 = (await c.createPat({ user: alice.id, token: `${'7'.repeat(52)}${'q'.repeat(24)}AZDO${'x'.repeat(4)}` })).token;
    expired = (await c.createPat({ user: alice.id, validTo: '2020-01-01T00:00:00Z' })).token;
    outsiderPat = (await c.createPat({ user: bob.id })).token;
    const m = await c.createServicePrincipal({ displayName: 'ci-bot', hosts: ['fabrikam'] });
    member = { clientId: m.principal.appId, clientSecret: m.clientSecret, objectId: m.principal.id };
    const n = await c.createServicePrincipal({ displayName: 'not-added', tenantId });
    notAdded = { clientId: n.principal.appId, clientSecret: n.clientSecret, objectId: n.principal.id };
  });

  afterAll(async () => {
    for (const c of clients) c.close();
    await sim?.stop();
  });

  async function entraToken(p: { clientId: string; clientSecret: string }, tenant = tenantId): Promise<string> {
    const r = await fetch(`${sim.url}/${tenant}/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: p.clientId, client_secret: p.clientSecret, scope: `${ADO_RESOURCE}/.default` }),
    });
    expect(r.status).toBe(200);
    return ((await r.json()) as { access_token: string }).access_token;
  }

  it('sends a PAT as HTTP Basic with an empty user name', async () => {
    expect(await patAuth('secret-token-value').authorization()).toBe(`Basic ${Buffer.from(':secret-token-value').toString('base64')}`);
    const r = await client({ auth: patAuth(pat52) }).get<{ count: number; value: Array<{ name: string }> }>('_apis/projects');
    expect(r.status).toBe(200);
    expect(r.data.value.map((p) => p.name)).toEqual(['Fiber']);
  });

  it('sends 52- and 84-character PATs as given, without judging them by length', async () => {
    expect(pat52).toHaveLength(52);
    expect(pat84).toHaveLength(84);
    for (const token of [pat52, pat84]) {
      const r = await client({ auth: patAuth(token) }).get<{ value: unknown[] }>('_apis/projects');
      expect(r.data.value).toHaveLength(1);
    }
  });

  it('gives different tokens different identities and never puts the token in the identity', () => {
    const a = patAuth(pat52).identity;
    expect(a).not.toBe(patAuth(pat84).identity);
    expect(a).toBe(patAuth(pat52).identity);
    expect(a).not.toContain(pat52);
  });

  it('sees the simulator answer a bad PAT with a 203 sign-in page when X-TFS-FedAuthRedirect is missing', async () => {
    const raw = await fetch(`${org}/_apis/projects?api-version=7.1`, {
      headers: { authorization: `Basic ${Buffer.from(':not-a-real-token-at-all').toString('base64')}` },
      redirect: 'manual',
    });
    expect(raw.status).toBe(203);
    expect(raw.headers.get('content-type')).toMatch(/^text\/html/);
  });

  it('always suppresses the sign-in redirect, so a bad PAT comes back as 401 TF400813', async () => {
    const e = await apiError(client({ auth: patAuth('not-a-real-token-at-all') }).get('_apis/projects'), 'AZDO_AUTH_UNAUTHORIZED');
    expect(e.status).toBe(401);
    expect(e.tfCode).toBe('TF400813');
    expect(e.typeKey).toBe('UnauthorizedRequestException');
    expect(e.request.headers['x-tfs-fedauthredirect']).toBe('Suppress');
    expect(e.request.headers['authorization']).toBe('[REDACTED]');
    expect(e.hint).toContain('_usersSettings/tokens');
  });

  it('reports an expired PAT as expired', async () => {
    const e = await apiError(client({ auth: patAuth(expired) }).get('_apis/projects'), 'AZDO_AUTH_EXPIRED');
    expect(e.status).toBe(401);
    expect(e.typeKey).toBe('AccessCheckException');
    expect(e.message).toBe('The personal access token has expired.');
  });

  it('keeps VS30063 when the token belongs to someone outside the organization', async () => {
    const e = await apiError(client({ auth: patAuth(outsiderPat) }).get('_apis/projects'), 'AZDO_AUTH_UNAUTHORIZED');
    expect(e.tfCode).toBe('VS30063');
    expect(e.message).toContain('not a member');
  });

  it('calls with an Entra bearer token fetched for each request', async () => {
    let fetched = 0;
    const auth = bearerAuth(async () => {
      fetched += 1;
      return entraToken(member);
    }, member.objectId);
    const c = client({ auth });
    await c.get('_apis/projects');
    await c.get('_apis/projects');
    expect(fetched).toBe(2);
    expect(auth.identity).toBe(`bearer:${member.objectId}`);
  });

  it('reports a service principal not added to the organization as TF401444', async () => {
    const token = await entraToken(notAdded);
    const e = await apiError(client({ auth: bearerAuth(async () => token, notAdded.objectId) }).get('_apis/projects'), 'AZDO_AUTH_PRINCIPAL_NOT_ADDED');
    expect(e.tfCode).toBe('TF401444');
    expect(e.message).not.toContain(token);
    expect(JSON.stringify(e.request)).not.toContain(token);
  });

  describe('sign-in pages the simulator does not send once Suppress is there', () => {
    let server: LocalServer;
    beforeAll(async () => {
      server = await startLocalServer((req, res) => {
        const path = req.url ?? '';
        if (path.startsWith('/org203/')) {
          res.writeHead(203, { 'content-type': 'text/html; charset=utf-8', location: 'https://app.vssps.visualstudio.com/_signin' });
          res.end('<html><head><title>Azure DevOps Services | Sign In</title></head><body></body></html>');
        } else if (path.startsWith('/org200html/')) {
          res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
          res.end('<html><body>Sign in</body></html>');
        } else if (path.startsWith('/org302/')) {
          res.writeHead(302, { location: '/_signin?realm=x&reply_to=y' });
          res.end();
        } else if (path.startsWith('/orgentra/')) {
          res.writeHead(302, { location: 'https://login.microsoftonline.com/common/oauth2/authorize?client_id=x' });
          res.end();
        } else if (path.startsWith('/orgcf/')) {
          res.writeHead(302, { location: 'https://team.cloudflareaccess.com/cdn-cgi/access/login/ado.example.com?kid=1' });
          res.end();
        } else if (path.startsWith('/orgmoved/')) {
          res.writeHead(302, { location: 'https://elsewhere.example.com/other/_apis/projects?x=1' });
          res.end();
        } else {
          json(res, 404, { message: 'nothing here' });
        }
      });
    });
    afterAll(async () => server?.stop());

    it('treats 203 with an HTML page as a sign-in page, not as data', async () => {
      const e = await apiError(client({ baseUrl: `${server.url}/org203`, auth: patAuth(pat52) }).get('_apis/projects'), 'AZDO_AUTH_SIGN_IN_PAGE');
      expect(e.status).toBe(203);
      expect(e.message).toBe('Azure DevOps answered with a sign-in page: the token is not valid for this organization.');
      expect(e.hint).toContain(`${server.url}/org203/_usersSettings/tokens`);
    });

    it('treats an HTML page with 200 where JSON was asked for as a sign-in page', async () => {
      await apiError(client({ baseUrl: `${server.url}/org200html`, auth: patAuth(pat52) }).get('_apis/projects'), 'AZDO_AUTH_SIGN_IN_PAGE');
    });

    it('says so when a sign-in page answers a request without any credential', async () => {
      const e = await apiError(client({ baseUrl: `${server.url}/org203` }).get('_apis/projects'), 'AZDO_AUTH_SIGN_IN_PAGE');
      expect(e.message).toContain('no credential');
    });

    it('treats a 302 to a sign-in or Entra login URL as a sign-in page and does not follow it', async () => {
      const before = server.requests.length;
      for (const path of ['org302', 'orgentra']) {
        const e = await apiError(client({ baseUrl: `${server.url}/${path}`, auth: patAuth(pat52) }).get('_apis/projects'), 'AZDO_AUTH_SIGN_IN_PAGE');
        expect(e.status).toBe(302);
      }
      expect(server.requests.length - before).toBe(2);
      expect(server.requests.some((r) => r.url.startsWith('/_signin'))).toBe(false);
    });

    it('names Cloudflare Access and its headers when the proxy in front answers with its login page', async () => {
      const e = await apiError(client({ baseUrl: `${server.url}/orgcf`, auth: patAuth(pat52) }).get('_apis/projects'), 'AZDO_AUTH_SIGN_IN_PAGE');
      expect(e.message).toContain('Cloudflare Access');
      expect(e.hint).toContain('CF-Access-Client-Id');
    });

    it('reports any other redirect without following it or quoting its query', async () => {
      const e = await apiError(client({ baseUrl: `${server.url}/orgmoved`, auth: patAuth(pat52) }).get('_apis/projects'), 'AZDO_BAD_RESPONSE');
      expect(e.message).toContain('https://elsewhere.example.com/other/_apis/projects');
      expect(e.message).not.toContain('x=1');
    });
  });
});
