import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../../simulator/index.js';
import { AzdoClient, RateLimitRegistry, patAuth, rateLimitDelayMs, retryAfterMs, type AzdoAuth } from '../../../src/azure/client/index.js';
import { apiError, control, json, recordingSleep, requestLog, startLocalServer, type LocalServer } from './client-helpers.js';

// Azure DevOps' rate limits (FACTS §4): Retry-After and X-RateLimit-Delay slow an identity down even on a 200; a 429
// (TF400733) is retried after Retry-After. Every wait goes through the injected sleep, so nothing here really waits.
describe('AzdoClient throttling', () => {
  let sim: RunningSimulator;
  let server: LocalServer;
  const tokens: string[] = [];
  const clients: AzdoClient[] = [];
  const client = (auth: AzdoAuth, o: Partial<ConstructorParameters<typeof AzdoClient>[0]> = {}): AzdoClient => {
    const c = new AzdoClient({ baseUrl: `${sim.url}/fabrikam`, auth, ...o });
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    sim = await startSimulator({ seed: 'empty' });
    const c = sim.control;
    await c.createHost({ name: 'fabrikam' });
    await c.createProject('fabrikam', { name: 'Fiber' });
    for (const name of ['alice', 'bob', 'carol', 'dave', 'erin']) {
      const user = await c.createUser({ uniqueName: `${name}@example.com`, hosts: ['fabrikam'] });
      tokens.push((await c.createPat({ user: user.id })).token);
    }
    let inFlight = 0;
    server = await startLocalServer((req, res) => {
      const path = req.url ?? '';
      if (path.startsWith('/org/_apis/delayed')) {
        json(res, 200, { ok: true }, { 'x-ratelimit-delay': '0.250', 'x-ratelimit-remaining': '0' });
      } else if (path.startsWith('/org/_apis/slow')) {
        inFlight += 1;
        const now = inFlight;
        setTimeout(() => {
          inFlight -= 1;
          json(res, 200, { inFlight: now });
        }, 40);
      } else {
        json(res, 200, { ok: true });
      }
    });
  });

  afterEach(async () => control(sim, 'PUT', '/throttling', { enabled: false }));

  afterAll(async () => {
    for (const c of clients) c.close();
    await server?.stop();
    await sim?.stop();
  });

  it('reads Retry-After as seconds or as an HTTP date, and X-RateLimit-Delay with decimals', () => {
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(retryAfterMs({ 'retry-after': '3' }, now)).toBe(3000);
    expect(retryAfterMs({ 'retry-after': 'Wed, 01 Jan 2025 00:00:10 GMT' }, now)).toBe(10_000);
    expect(retryAfterMs({ 'retry-after': 'soon' }, now)).toBeUndefined();
    expect(retryAfterMs({}, now)).toBeUndefined();
    expect(rateLimitDelayMs({ 'x-ratelimit-delay': '0.125' })).toBe(125);
    expect(rateLimitDelayMs({ 'x-ratelimit-delay': '-1' })).toBeUndefined();
  });

  it('slows an identity down after a 200 that carries Retry-After and X-RateLimit-Delay, and only that identity', async () => {
    await control(sim, 'PUT', '/throttling', { enabled: true, limit: 1, blockAt: 1000, delaySeconds: 0.05, sleep: true, windowSeconds: 300 });
    const registry = new RateLimitRegistry();
    const a = recordingSleep();
    const b = recordingSleep();
    const alice = client(patAuth(tokens[0]!), { sleep: a.sleep, rateLimits: registry });
    const bob = client(patAuth(tokens[1]!), { sleep: b.sleep, rateLimits: registry });

    await alice.get('_apis/projects');
    const delayed = await alice.get('_apis/projects');
    expect(delayed.status).toBe(200);
    expect(delayed.headers['x-ratelimit-delay']).toBe('0.050');
    expect(delayed.headers['retry-after']).toBe('1');
    expect(a.waits).toEqual([]);

    await alice.get('_apis/projects');
    // Retry-After (1 s) is what Azure DevOps asks for the next request; X-RateLimit-Delay only says how long this one took.
    expect(a.waits).toHaveLength(1);
    expect(a.waits[0]).toBeGreaterThan(800);
    expect(a.waits[0]).toBeLessThanOrEqual(1000);
    expect(registry.notBefore(patAuth(tokens[0]!).identity)).toBeGreaterThan(Date.now());

    await bob.get('_apis/projects');
    expect(b.waits).toEqual([]);
  });

  it('honours X-RateLimit-Delay on a 200 when no Retry-After comes with it', async () => {
    const sleeper = recordingSleep();
    const c = new AzdoClient({ baseUrl: `${server.url}/org`, auth: patAuth('delay-only-token-0123456789'), sleep: sleeper.sleep, rateLimits: new RateLimitRegistry() });
    clients.push(c);
    await c.get('_apis/delayed');
    await c.get('_apis/other');
    expect(sleeper.waits).toHaveLength(1);
    expect(sleeper.waits[0]).toBeGreaterThan(150);
    expect(sleeper.waits[0]).toBeLessThanOrEqual(250);
  });

  it('waits Retry-After after a 429 and then succeeds', async () => {
    // The window is the Retry-After of the 429 (less the time since the first request), and the second request is
    // blocked only while the first is in it: 30 s leaves a loaded machine room; a 2 s window did not.
    await control(sim, 'PUT', '/throttling', { enabled: true, limit: 1000, blockAt: 1, windowSeconds: 30 });
    // Waiting out the window is emulated by clearing the simulator's usage, as the passing of time would.
    const sleeper = recordingSleep(async () => {
      await control(sim, 'DELETE', '/throttling/usage');
    });
    const carol = client(patAuth(tokens[2]!), { sleep: sleeper.sleep, rateLimits: new RateLimitRegistry() });
    await carol.get('_apis/projects');
    const since = (await requestLog(sim)).lastSeq;
    const r = await carol.get<{ value: unknown[] }>('_apis/projects');
    expect(r.data.value).toHaveLength(1);
    expect((await requestLog(sim, since)).requests.map((x) => x.status)).toEqual([429, 200]);
    expect(sleeper.waits).toHaveLength(1);
    // Retry-After, not the back-off of a 429 without one (at most 1 s on the first retry), and no more than asked.
    expect(sleeper.waits[0]).toBeGreaterThan(1000);
    expect(sleeper.waits[0]).toBeLessThanOrEqual(30_000);
  });

  it('reports AZDO_THROTTLED with TF400733 when the 429s do not stop', async () => {
    // Long enough that the first request is still in the window when the last retry goes out.
    await control(sim, 'PUT', '/throttling', { enabled: true, limit: 1000, blockAt: 1, windowSeconds: 30 });
    const sleeper = recordingSleep();
    const dave = client(patAuth(tokens[3]!), { sleep: sleeper.sleep, retries: 2, rateLimits: new RateLimitRegistry() });
    await dave.get('_apis/projects');
    const e = await apiError(dave.get('_apis/projects'), 'AZDO_THROTTLED');
    expect(e.status).toBe(429);
    expect(e.tfCode).toBe('TF400733');
    expect(e.attempts).toBe(3);
    expect(e.retryAfterSeconds).toBeGreaterThan(0);
    expect(sleeper.waits).toHaveLength(2);
  });

  it('fails at once instead of waiting longer than allowed', async () => {
    await control(sim, 'PUT', '/throttling', { enabled: true, limit: 1000, blockAt: 1, windowSeconds: 300 });
    const sleeper = recordingSleep();
    const erin = client(patAuth(tokens[4]!), { sleep: sleeper.sleep, maxWaitMs: 60_000, rateLimits: new RateLimitRegistry() });
    await erin.get('_apis/projects');
    const e = await apiError(erin.get('_apis/projects'), 'AZDO_THROTTLED');
    expect(e.attempts).toBe(1);
    expect(e.message).toMatch(/wait (29\d|300) s/);
    expect(sleeper.waits).toEqual([]);
  });

  it('keeps at most `concurrency` requests of one identity in flight', async () => {
    const c = new AzdoClient({ baseUrl: `${server.url}/org`, auth: patAuth('concurrency-token-0123456789'), concurrency: 2, rateLimits: new RateLimitRegistry() });
    clients.push(c);
    const answers = await Promise.all(Array.from({ length: 6 }, () => c.get<{ inFlight: number }>('_apis/slow')));
    expect(Math.max(...answers.map((r) => r.data.inFlight))).toBe(2);
  });
});
