import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AzdoError } from '../../../src/errors/azdo-error.js';
import { AzdoClient, patAuth, type ResponseInfo } from '../../../src/azure/client/index.js';
import { apiError, json, startLocalServer, type LocalServer } from './client-helpers.js';

const PAT = 'p'.repeat(40) + 'SECRETPAT' + 'z'.repeat(35);
const PROXY_SECRET = 'cf-secret-0123456789abcdef';

// The core: what every request carries, where it may go, and what never leaks from it.
describe('AzdoClient core', () => {
  let server: LocalServer;
  const clients: AzdoClient[] = [];
  const client = (o: Partial<ConstructorParameters<typeof AzdoClient>[0]> = {}): AzdoClient => {
    const c = new AzdoClient({ baseUrl: `${server.url}/org`, auth: patAuth(PAT), retries: 0, sleep: async () => {}, ...o });
    clients.push(c);
    return c;
  };
  const last = () => server.requests[server.requests.length - 1]!;

  beforeAll(async () => {
    server = await startLocalServer((req, res, body) => {
      const path = req.url ?? '';
      if (path.startsWith('/org/_apis/echo')) {
        json(res, 200, { headers: req.headers, body });
      } else if (path.startsWith('/org/_apis/tattle')) {
        // A misbehaving proxy that quotes the request's secrets back in its error message.
        json(res, 400, { message: `bad header ${String(req.headers['cf-access-client-secret'])} with ${String(req.headers['authorization'])} (${PAT})`, typeKey: 'ArgumentException' });
      } else if (path.startsWith('/org/_apis/empty')) {
        res.writeHead(204);
        res.end();
      } else {
        json(res, 404, { message: 'unknown' });
      }
    });
  });

  afterAll(async () => {
    for (const c of clients) c.close();
    await server?.stop();
  });

  it('always sends Accept: application/json with the api-version, X-TFS-FedAuthRedirect: Suppress and a user agent', async () => {
    await client({ userAgent: 'my-product/2.0' }).get('_apis/echo');
    const h = last().headers;
    expect(h['accept']).toBe('application/json;api-version=7.1');
    expect(h['x-tfs-fedauthredirect']).toBe('Suppress');
    expect(h['user-agent']).toMatch(/^my-product\/2\.0 azdo-connect node\//);
    expect(h['authorization']).toBe(`Basic ${Buffer.from(`:${PAT}`).toString('base64')}`);
    expect(last().url).toBe('/org/_apis/echo');
  });

  it('lets a request choose its api-version, in the Accept header or in the query', async () => {
    const c = client();
    await c.get('_apis/echo', { apiVersion: '7.2-preview.1' });
    expect(last().headers['accept']).toBe('application/json;api-version=7.2-preview.1');
    await c.get('_apis/echo', { query: { 'api-version': '6.0' } });
    expect(last().headers['accept']).toBe('application/json');
    expect(last().url).toBe('/org/_apis/echo?api-version=6.0');
    await c.get('_apis/echo', { apiVersion: false });
    expect(last().headers['accept']).toBe('application/json');
  });

  it('still accepts JSON errors when asking for text or bytes', async () => {
    await client().get('_apis/echo', { accept: 'text' });
    expect(last().headers['accept']).toBe('text/plain;api-version=7.1, application/json;api-version=7.1;q=0.9');
  });

  it('sends custom headers, such as a proxy\'s service token, with every request', async () => {
    const c = client({ headers: { 'CF-Access-Client-Id': 'client-id.access', 'CF-Access-Client-Secret': PROXY_SECRET } });
    await c.get('_apis/echo');
    await c.post('_apis/echo', { x: 1 });
    for (const r of server.requests.slice(-2)) {
      expect(r.headers['cf-access-client-id']).toBe('client-id.access');
      expect(r.headers['cf-access-client-secret']).toBe(PROXY_SECRET);
    }
  });

  it('never shows the PAT or a custom header value in an error, even when the server quotes them', async () => {
    const c = client({ headers: { 'CF-Access-Client-Secret': PROXY_SECRET } });
    const e = await apiError(c.get('_apis/tattle'), 'AZDO_REQUEST_REJECTED');
    expect(e.request.headers['authorization']).toBe('[REDACTED]');
    expect(e.request.headers['cf-access-client-secret']).toBe('[REDACTED]');
    expect(e.request.headers['accept']).toBe('application/json;api-version=7.1');
    const basic = Buffer.from(`:${PAT}`).toString('base64');
    const everything = JSON.stringify({ ...e, message: e.message, hint: e.hint, stack: e.stack });
    for (const secret of [PAT, 'SECRETPAT', PROXY_SECRET, basic]) expect(everything).not.toContain(secret);
    expect(e.message).toContain('[REDACTED]');
  });

  it('refuses custom headers it owns or cannot send, without repeating their values', () => {
    const attempt = (headers: Record<string, string>) => () => new AzdoClient({ baseUrl: `${server.url}/org`, headers });
    const cases: Array<Record<string, string>> = [{ Authorization: 'Bearer sneaky-value' }, { 'X-TFS-FedAuthRedirect': 'Allow' }, { 'bad header': 'v' }, { 'X-Ok': 'line\r\nInjected: sneaky-value' }];
    for (const headers of cases) {
      const error = (() => {
        try {
          attempt(headers)();
        } catch (e) {
          return e as AzdoError;
        }
        return undefined;
      })();
      expect(error).toBeInstanceOf(AzdoError);
      expect(error?.code).toBe('AZDO_HEADER_INVALID');
      expect(`${error?.message} ${error?.hint}`).not.toContain('sneaky-value');
    }
  });

  it('sends bodies as JSON, encodes query values and drops undefined ones', async () => {
    const r = await client().post<{ headers: Record<string, string>; body: string }>('_apis/echo', { ids: [1, 2] }, { query: { 'searchCriteria.$top': 5, name: 'a b&c', skip: undefined, flag: true } });
    expect(JSON.parse(r.data.body)).toEqual({ ids: [1, 2] });
    expect(r.data.headers['content-type']).toBe('application/json');
    const url = new URL(last().url, server.url);
    expect(url.searchParams.get('searchCriteria.$top')).toBe('5');
    expect(url.searchParams.get('name')).toBe('a b&c');
    expect(url.searchParams.get('flag')).toBe('true');
    expect(url.searchParams.has('skip')).toBe(false);
  });

  it('answers 204 with no data', async () => {
    const r = await client().delete('_apis/empty');
    expect(r.status).toBe(204);
    expect(r.data).toBeUndefined();
  });

  it('keeps requests inside the organization URL and sends nothing elsewhere', async () => {
    const c = client();
    const before = server.requests.length;
    for (const path of ['../other-org/_apis/projects', 'https://evil.example.com/_apis/projects', `http://127.0.0.1:1/org/_apis/projects`]) {
      const e = await c.get(path).catch((x: unknown) => x as AzdoError);
      expect(e).toBeInstanceOf(AzdoError);
      expect((e as AzdoError).code).toBe('AZDO_REQUEST_OTHER_HOST');
    }
    expect(server.requests.length).toBe(before);
    await c.get(`${server.url}/org/_apis/echo`);
    expect(last().url).toBe('/org/_apis/echo');
  });

  it('drops user info from the organization URL and refuses SSH URLs', async () => {
    const c = client({ baseUrl: `http://someone:url-password@127.0.0.1:${server.port}/org` });
    expect(c.baseUrl).toBe(`http://127.0.0.1:${server.port}/org`);
    await c.get('_apis/echo');
    expect(last().headers['authorization']).toBe(`Basic ${Buffer.from(`:${PAT}`).toString('base64')}`);
    expect(() => new AzdoClient({ baseUrl: 'git@ssh.dev.azure.com:v3/org/project/repo' })).toThrow(expect.objectContaining({ code: 'AZDO_URL_INVALID' }));
    expect(new AzdoClient({ baseUrl: 'https://dev.azure.com/fabrikam/Fiber/_git/web' }).baseUrl).toBe('https://dev.azure.com/fabrikam');
    expect(new AzdoClient({ baseUrl: { kind: 'server', origin: 'https://tfs.example.com', virtualDirectory: '/tfs', collection: 'Default Collection' } }).baseUrl).toBe(
      'https://tfs.example.com/tfs/Default%20Collection',
    );
  });

  it('lets hooks wrap every request and reports every attempt', async () => {
    const seen: Array<string | undefined> = [];
    const infos: ResponseInfo[] = [];
    const c = client({ onResponse: (info) => infos.push(info) }).hook(async (request, next) => {
      seen.push(request.headers['authorization']);
      const response = await next(request);
      return { ...response, headers: { ...response.headers, 'x-hooked': 'yes' } };
    });
    const r = await c.get('_apis/echo');
    expect(r.headers['x-hooked']).toBe('yes');
    // Outside the auth concern, a hook (a logger, say) never sees the credential.
    expect(seen).toEqual([undefined]);
    expect(infos).toEqual([expect.objectContaining({ method: 'GET', url: `${server.url}/org/_apis/echo`, status: 200, attempt: 1 })]);
    expect(JSON.stringify(infos)).not.toContain(PAT);
  });
});
