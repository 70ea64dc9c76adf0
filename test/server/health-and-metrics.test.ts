import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AzdoClient, RateLimitRegistry, patAuth } from '../../src/azure/client/index.js';
import { DEFAULT_ENDPOINTS } from '../../src/azure/endpoints.js';
import { Vault } from '../../src/credentials/vault.js';
import { buildApp } from '../../src/server/build-app.js';
import { createServiceContext } from '../../src/server/create-service-context.js';
import { setServicePhase } from '../../src/server/service-phase.js';
import { DEFAULT_WORKSPACE_ID } from '../../src/store/default-workspace.js';
import { testStores } from '../store/test-stores.js';
import { waitFor } from '../helpers/wait-for.js';
import { serviceWorld, type ServiceWorld } from './service-world.js';

/** The value of one sample of the Prometheus text: `name{a="1",b="2"} value`, matching every label given. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const have = match[2] ?? '';
    if (Object.entries(labels).every(([k, v]) => have.includes(`${k}="${v}"`))) return Number(match[3]);
  }
  return undefined;
}

describe('health, readiness and metrics', () => {
  let world: ServiceWorld;
  const metrics = async (): Promise<string> => (await world.app.inject({ method: 'GET', url: '/metrics' })).body;

  beforeAll(async () => {
    world = await serviceWorld({ simulator: true });
  });

  afterAll(async () => {
    await world?.close();
  });

  it('answers /healthz, /readyz and /metrics without any credential', async () => {
    const health = await world.app.inject({ method: 'GET', url: '/healthz' });
    expect(health.statusCode).toBe(200);
    expect(health.json()).toEqual({ status: 'ok' });

    const ready = await world.app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: 'ok', checks: { store: 'ok', jobs: 'ok' } });

    const m = await world.app.inject({ method: 'GET', url: '/metrics' });
    expect(m.statusCode).toBe(200);
    expect(m.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(m.headers['cache-control']).toBe('no-store');
    // The process metrics come with it.
    expect(sample(m.body, 'process_cpu_user_seconds_total')).toBeGreaterThanOrEqual(0);
    expect(sample(m.body, 'nodejs_eventloop_lag_seconds')).toBeGreaterThanOrEqual(0);
  });

  it('counts requests by method, route pattern and status, never by raw URL', async () => {
    await world.app.inject({ method: 'GET', url: '/healthz' });
    await world.app.inject({ method: 'GET', url: '/no/such/thing?x=1' });
    await world.request(world.admin, { method: 'GET', url: '/api/v1/jobs/0c1d2e3f-0000-4000-8000-000000000000' });
    const text = await metrics();
    expect(sample(text, 'azdo_connect_http_requests_total', { method: 'GET', route: '/healthz', status: '200' })).toBeGreaterThanOrEqual(2);
    expect(sample(text, 'azdo_connect_http_requests_total', { route: '(unmatched)', status: '404' })).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'azdo_connect_http_requests_total', { route: '/api/v1/jobs/:id', status: '404' })).toBe(1);
    expect(sample(text, 'azdo_connect_http_request_duration_seconds_count', { route: '/healthz' })).toBeGreaterThanOrEqual(2);
    expect(text).not.toContain('/no/such/thing');
    expect(text).not.toContain('0c1d2e3f');
  });

  it('counts Azure DevOps calls by status after a connection test against the simulator', async () => {
    const add = await world.request(world.admin, {
      method: 'POST',
      url: '/api/v1/connections',
      payload: { name: 'fabrikam', url: 'https://dev.azure.com/fabrikam', credential: { type: 'pat', token: world.pat } },
    });
    expect(add.statusCode, add.body).toBe(201);
    const id = add.json<{ id: string }>().id;
    const before = sample(await metrics(), 'azdo_connect_azdo_requests_total', { status: '200' }) ?? 0;
    const test = await world.request(world.admin, { method: 'POST', url: `/api/v1/connections/${id}/test` });
    expect(test.statusCode, test.body).toBe(200);
    const text = await metrics();
    expect(sample(text, 'azdo_connect_azdo_requests_total', { status: '200' })).toBeGreaterThan(before);
    expect(sample(text, 'azdo_connect_azdo_request_duration_seconds_count', { status: '200' })).toBeGreaterThan(before);
  });

  it('records the wait after a 429 with Retry-After as a throttling delay, and the 429 itself', async () => {
    const sim = world.sim!;
    const control = async (method: string, path: string, body?: unknown): Promise<void> => {
      const r = await fetch(`${sim.controlUrl}${path}`, { method, ...(body ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {}) });
      expect(r.ok).toBe(true);
    };
    // The second request is blocked only while the first is in the window: 30 s leaves a loaded machine room.
    await control('PUT', '/throttling', { enabled: true, limit: 1000, blockAt: 1, windowSeconds: 30 });
    try {
      // Any client of the process is observed: here one made directly, whose sleep emulates the window passing.
      const waits: number[] = [];
      const client = new AzdoClient({
        baseUrl: `${sim.url}/fabrikam`,
        auth: patAuth(world.pat!),
        rateLimits: new RateLimitRegistry(),
        sleep: async (ms) => {
          waits.push(ms);
          await control('DELETE', '/throttling/usage');
        },
      });
      await client.get('_apis/projects');
      await client.get('_apis/projects');
      client.close();
      expect(waits).toHaveLength(1);
      const text = await metrics();
      expect(sample(text, 'azdo_connect_azdo_throttle_delay_seconds_count')).toBe(1);
      expect(sample(text, 'azdo_connect_azdo_throttle_delay_seconds_sum')).toBeCloseTo(waits[0]! / 1000, 3);
      expect(sample(text, 'azdo_connect_azdo_requests_total', { status: '429' })).toBeGreaterThanOrEqual(1);
    } finally {
      await control('PUT', '/throttling', { enabled: false });
    }
  });

  it('records how long a job ran, by kind and the state it ended in', async () => {
    const job = await world.ctx.jobs.enqueue({ workspaceId: DEFAULT_WORKSPACE_ID, kind: 'fetch', input: { connectionId: 'no-such-connection', repository: 'Fiber/web' } });
    await waitFor('the fetch job to end', async () => {
      const j = await world.ctx.jobs.get(DEFAULT_WORKSPACE_ID, job.id);
      return ['succeeded', 'failed', 'cancelled'].includes(j.state) ? j : undefined;
    }, 20_000);
    const text = await waitFor("the job's duration in /metrics", async () => {
      const t = await metrics();
      return sample(t, 'azdo_connect_job_duration_seconds_count', { kind: 'fetch' }) ? t : undefined;
    }, 20_000);
    expect(sample(text, 'azdo_connect_job_duration_seconds_count', { kind: 'fetch', state: 'failed' })).toBe(1);
  });

  it('turns /readyz to 503 problem JSON once a shutdown begins, while /healthz stays 200', async () => {
    setServicePhase(world.ctx, 'stopping');
    try {
      const ready = await world.app.inject({ method: 'GET', url: '/readyz' });
      expect(ready.statusCode).toBe(503);
      expect(ready.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(ready.json()).toMatchObject({ status: 503, code: 'AZDO_SERVICE_NOT_READY' });
      expect((await world.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    } finally {
      setServicePhase(world.ctx, 'serving');
    }
  });
});

describe('/metrics behind AZDO_CONNECT_METRICS_TOKEN, and readiness without a store', () => {
  const stores = testStores();
  const token = randomBytes(24).toString('hex');

  afterAll(async () => {
    await stores.cleanup();
  });

  async function app(o: { metricsToken?: string } = {}) {
    const store = await stores.open('sqlite');
    const vault = await Vault.open({ dataDir: store.dataDir, env: { AZDO_CONNECT_SECRET_KEY: randomBytes(32).toString('base64') } });
    const ctx = createServiceContext({ store, vault, endpoints: { ...DEFAULT_ENDPOINTS }, config: { dataDir: store.dataDir, ...o } });
    return { ctx, store, app: await buildApp(ctx) };
  }

  it('wants the token as a Bearer token, and refuses a missing or wrong one with 401 problem JSON', async () => {
    const { app: a } = await app({ metricsToken: token });
    try {
      for (const authorization of [undefined, 'Bearer wrong', `Basic ${token}`, `Bearer ${token}x`]) {
        const r = await a.inject({ method: 'GET', url: '/metrics', headers: authorization ? { authorization } : {} });
        expect(r.statusCode, authorization).toBe(401);
        expect(r.headers['www-authenticate']).toMatch(/^Bearer/);
        expect(r.json()).toMatchObject({ code: 'AZDO_AUTH_REQUIRED' });
        expect(r.body).not.toContain(token);
      }
      const ok = await a.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${token}` } });
      expect(ok.statusCode).toBe(200);
      expect(ok.body).toContain('azdo_connect_http_requests_total');
      // Health checks stay public.
      expect((await a.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    } finally {
      await a.close();
    }
  });

  it('answers /readyz 503 when the store does not answer', async () => {
    const { app: a, store } = await app();
    try {
      expect((await a.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
      await store.close();
      const r = await a.inject({ method: 'GET', url: '/readyz' });
      expect(r.statusCode).toBe(503);
      expect(r.json()).toMatchObject({ code: 'AZDO_SERVICE_NOT_READY', title: 'The service cannot reach its database.' });
    } finally {
      await a.close();
    }
  });
});
