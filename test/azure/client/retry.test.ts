import net from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../../simulator/index.js';
import { AzdoClient, backoffMs, patAuth, type ResponseInfo } from '../../../src/azure/client/index.js';
import { apiError, control, json, recordingSleep, requestLog, startLocalServer, type LocalServer } from './client-helpers.js';

// Retries with back-off for 5xx and dropped connections, counted in the simulator's request log; never for a
// request that could take effect twice.
describe('AzdoClient retries', () => {
  let sim: RunningSimulator;
  let pat: string;
  let server: LocalServer;
  let headCommit: string;
  const clients: AzdoClient[] = [];
  const client = (o: Partial<ConstructorParameters<typeof AzdoClient>[0]> = {}): AzdoClient => {
    const c = new AzdoClient({ baseUrl: `${sim.url}/fabrikam`, auth: patAuth(pat), ...o });
    clients.push(c);
    return c;
  };
  const REPOS = '/fabrikam/Fiber/_apis/git/repositories$';

  beforeAll(async () => {
    sim = await startSimulator({ seed: 'empty' });
    const c = sim.control;
    await c.createHost({ name: 'fabrikam' });
    await c.createProject('fabrikam', { name: 'Fiber' });
    const alice = await c.createUser({ uniqueName: 'alice@example.com', hosts: ['fabrikam'] });
    pat = (await c.createPat({ user: alice.id })).token;
    await c.createRepository('fabrikam', 'Fiber', { name: 'web' });
    const push = await c.pushCommits({ host: 'fabrikam', project: 'Fiber', repository: 'web', branch: 'main', commits: [{ message: 'one', changes: [{ changeType: 'add', path: '/a', content: Buffer.from('a') }] }] });
    headCommit = push!.refUpdates[0]!.newObjectId;
    let unavailable = 0;
    server = await startLocalServer((req, res) => {
      if ((req.url ?? '').startsWith('/org/_apis/busy') && unavailable++ === 0) json(res, 503, { message: 'busy' }, { 'retry-after': '3' });
      else json(res, 200, { ok: true });
    });
  });

  afterEach(async () => control(sim, 'DELETE', '/faults'));

  afterAll(async () => {
    for (const c of clients) c.close();
    await server?.stop();
    await sim?.stop();
  });

  it('backs off exponentially with jitter, up to 30 s', () => {
    expect(backoffMs(0, () => 0)).toBe(500);
    expect(backoffMs(0, () => 1)).toBe(1000);
    expect(backoffMs(3, () => 1)).toBe(8000);
    expect(backoffMs(20, () => 1)).toBe(30_000);
  });

  it('retries a GET after two 503s and succeeds', async () => {
    await control(sim, 'POST', '/faults', { path: REPOS, method: 'GET', status: 503, times: 2 });
    const sleeper = recordingSleep();
    const since = (await requestLog(sim)).lastSeq;
    const r = await client({ sleep: sleeper.sleep }).get<{ value: Array<{ name: string }> }>('Fiber/_apis/git/repositories');
    expect(r.data.value.map((x) => x.name)).toEqual(['web']);
    expect((await requestLog(sim, since)).requests.map((x) => x.status)).toEqual([503, 503, 200]);
    expect(sleeper.waits).toHaveLength(2);
    expect(sleeper.waits[0]).toBeGreaterThanOrEqual(500);
    expect(sleeper.waits[1]).toBeGreaterThanOrEqual(1000);
  });

  it('reports AZDO_SERVER_ERROR once the retries are used up', async () => {
    await control(sim, 'POST', '/faults', { path: REPOS, status: 500 });
    const since = (await requestLog(sim)).lastSeq;
    const e = await apiError(client({ sleep: recordingSleep().sleep, retries: 3 }).get('Fiber/_apis/git/repositories'), 'AZDO_SERVER_ERROR');
    expect(e.status).toBe(500);
    expect(e.attempts).toBe(4);
    expect(e.message).toContain('after 4 attempts');
    expect((await requestLog(sim, since)).requests).toHaveLength(4);
  });

  it('never sends a POST twice after a 5xx, unless the request says it is safe', async () => {
    const path = '/fabrikam/Fiber/_apis/git/repositories/web/commitsbatch$';
    const body = { ids: [headCommit] };
    await control(sim, 'POST', '/faults', { path, method: 'POST', status: 502, times: 1 });
    let since = (await requestLog(sim)).lastSeq;
    const e = await apiError(client({ sleep: recordingSleep().sleep }).post('Fiber/_apis/git/repositories/web/commitsbatch', body), 'AZDO_SERVER_ERROR');
    expect(e.attempts).toBe(1);
    expect((await requestLog(sim, since)).requests).toHaveLength(1);

    await control(sim, 'POST', '/faults', { path, method: 'POST', status: 502, times: 1 });
    since = (await requestLog(sim)).lastSeq;
    const r = await client({ sleep: recordingSleep().sleep }).post<{ value: Array<{ commitId: string }> }>('Fiber/_apis/git/repositories/web/commitsbatch', body, { idempotent: true });
    expect(r.data.value.map((c) => c.commitId)).toEqual([headCommit]);
    expect((await requestLog(sim, since)).requests.map((x) => x.status)).toEqual([502, 200]);
  });

  it('retries a GET whose connection was reset', async () => {
    await control(sim, 'POST', '/faults', { path: REPOS, reset: true, times: 1 });
    const infos: ResponseInfo[] = [];
    const r = await client({ sleep: recordingSleep().sleep, onResponse: (i) => infos.push(i) }).get<{ value: unknown[] }>('Fiber/_apis/git/repositories');
    expect(r.data.value).toHaveLength(1);
    expect(infos.map((i) => [i.attempt, i.status])).toEqual([
      [1, 0],
      [2, 200],
    ]);
  });

  it('reports a reset connection under a POST as AZDO_NETWORK without retrying', async () => {
    await control(sim, 'POST', '/faults', { path: 'commitsbatch$', reset: true });
    const e = await apiError(client({ sleep: recordingSleep().sleep }).post('Fiber/_apis/git/repositories/web/commitsbatch', { ids: [headCommit] }), 'AZDO_NETWORK');
    expect(e.status).toBe(0);
    expect(e.networkCode).toMatch(/^(ECONNRESET|EPIPE)$/);
    expect(e.attempts).toBe(1);
    expect(e.message).toMatch(/reset|closed/);
  });

  it('honours Retry-After on a 503', async () => {
    const sleeper = recordingSleep();
    const c = new AzdoClient({ baseUrl: `${server.url}/org`, sleep: sleeper.sleep });
    clients.push(c);
    expect((await c.get('_apis/busy')).status).toBe(200);
    expect(sleeper.waits).toEqual([3000]);
  });

  it('does not retry a refused connection and says it was refused', async () => {
    const port = await new Promise<number>((resolve) => {
      const probe = net.createServer().listen(0, '127.0.0.1', () => {
        const p = (probe.address() as net.AddressInfo).port;
        probe.close(() => resolve(p));
      });
    });
    const sleeper = recordingSleep();
    const c = new AzdoClient({ baseUrl: `http://127.0.0.1:${port}/org`, sleep: sleeper.sleep });
    clients.push(c);
    const e = await apiError(c.get('_apis/projects'), 'AZDO_NETWORK');
    expect(e.networkCode).toBe('ECONNREFUSED');
    expect(e.message).toContain('connection refused');
    expect(e.message).toContain(`127.0.0.1:${port}`);
    expect(sleeper.waits).toEqual([]);
  });

  it('says when the host name does not resolve', async () => {
    const c = new AzdoClient({ baseUrl: 'http://no-such-host.invalid/org', sleep: recordingSleep().sleep });
    clients.push(c);
    const e = await apiError(c.get('_apis/projects'), 'AZDO_NETWORK');
    expect(e.networkCode).toMatch(/^(ENOTFOUND|EAI_AGAIN)$/);
    expect(e.message).toContain('no-such-host.invalid');
    expect(e.message).toContain('DNS');
  });
});
