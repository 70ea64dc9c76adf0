import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../../simulator/index.js';
import { AzdoClient, RateLimitRegistry, observeAzdoClients, patAuth, type ResponseInfo, type ThrottleDelayInfo } from '../../../src/azure/client/index.js';
import { control, recordingSleep } from './client-helpers.js';

// A service counts Azure DevOps calls and throttling delays by observing every client of the process, so the
// client needs no knowledge of metrics and no callback threaded through every place that makes one.
describe('observeAzdoClients', () => {
  let sim: RunningSimulator;
  let pat: string;
  const clients: AzdoClient[] = [];
  const unsubscribes: Array<() => void> = [];
  const client = (o: Partial<ConstructorParameters<typeof AzdoClient>[0]> = {}): AzdoClient => {
    const c = new AzdoClient({ baseUrl: `${sim.url}/fabrikam`, auth: patAuth(pat), rateLimits: new RateLimitRegistry(), ...o });
    clients.push(c);
    return c;
  };
  const observe = (): { responses: ResponseInfo[]; delays: ThrottleDelayInfo[] } => {
    const seen = { responses: [] as ResponseInfo[], delays: [] as ThrottleDelayInfo[] };
    unsubscribes.push(observeAzdoClients({ onResponse: (i) => seen.responses.push(i), onThrottleDelay: (d) => seen.delays.push(d) }));
    return seen;
  };

  beforeAll(async () => {
    sim = await startSimulator({ seed: 'empty' });
    await sim.control.createHost({ name: 'fabrikam' });
    await sim.control.createProject('fabrikam', { name: 'Fiber' });
    const user = await sim.control.createUser({ uniqueName: 'alice@example.com', hosts: ['fabrikam'] });
    pat = (await sim.control.createPat({ user: user.id })).token;
  });

  afterEach(async () => {
    for (const u of unsubscribes.splice(0)) u();
    await control(sim, 'PUT', '/throttling', { enabled: false });
    await control(sim, 'DELETE', '/faults');
  });

  afterAll(async () => {
    for (const c of clients) c.close();
    await sim?.stop();
  });

  it('sees every attempt of every client with its status, including failed ones, and never a header', async () => {
    const seen = observe();
    await client().get('_apis/projects');
    await expect(client().get('_apis/projects/NoSuchProject')).rejects.toThrow();
    expect(seen.responses.map((r) => r.status)).toEqual([200, 404]);
    expect(seen.responses[0]).toMatchObject({ method: 'GET', attempt: 1 });
    expect(seen.responses[0]!.durationMs).toBeGreaterThanOrEqual(0);
    expect(JSON.stringify(seen.responses)).not.toContain(pat);
    expect(Object.keys(seen.responses[0]!).sort()).toEqual(['attempt', 'durationMs', 'method', 'status', 'url']);
  });

  it('reports the wait a 429 with Retry-After causes before the client sleeps, with the identity and not the token', async () => {
    // The second request is blocked only while the first is in the window: 30 s leaves a loaded machine room.
    await control(sim, 'PUT', '/throttling', { enabled: true, limit: 1000, blockAt: 1, windowSeconds: 30 });
    const seen = observe();
    // Waiting out the window is emulated by clearing the simulator's usage, as the passing of time would.
    const sleeper = recordingSleep(async () => {
      await control(sim, 'DELETE', '/throttling/usage');
    });
    const c = client({ sleep: sleeper.sleep });
    await c.get('_apis/projects');
    await c.get('_apis/projects');
    expect(seen.responses.map((r) => r.status)).toEqual([200, 429, 200]);
    expect(seen.delays).toHaveLength(1);
    expect(seen.delays[0]!.ms).toBe(sleeper.waits[0]);
    expect(seen.delays[0]!.ms).toBeGreaterThan(1000);
    expect(seen.delays[0]!.identity).toBe(patAuth(pat).identity);
    expect(JSON.stringify(seen.delays)).not.toContain(pat);
  });

  it('reports a network failure as status 0', async () => {
    const seen = observe();
    await control(sim, 'POST', '/faults', { path: '/fabrikam/_apis/projects', reset: true, times: 4 });
    await expect(client({ sleep: recordingSleep().sleep, retries: 0 }).get('_apis/projects')).rejects.toThrow();
    expect(seen.responses.map((r) => r.status)).toEqual([0]);
  });

  it('stops reporting once unsubscribed, and a throwing observer does not fail the request', async () => {
    const seen = observe();
    const stop = observeAzdoClients({
      onResponse: () => {
        throw new Error('a broken metrics exporter');
      },
    });
    await client().get('_apis/projects');
    stop();
    unsubscribes.splice(0).forEach((u) => u());
    await client().get('_apis/projects');
    expect(seen.responses).toHaveLength(1);
  });
});
