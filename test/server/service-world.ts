// The service as tests use it: a real store (SQLite or PostgreSQL), the real vault, buildApp() driven through
// app.inject() (no port), optionally the demo simulator standing in for Azure DevOps, and a signed-in admin.
// Callers act as a session (cookie + CSRF token, like the browser) or as an API token (like a script).
import { randomBytes } from 'node:crypto';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { endpointsFromEnv } from '../../src/azure/endpoints.js';
import { Vault } from '../../src/credentials/vault.js';
import type { ApiTokenScope } from '../../src/store/database.js';
import type { StoreDialect } from '../../src/store/open-store.js';
import { buildApp, type App } from '../../src/server/build-app.js';
import { createServiceContext } from '../../src/server/create-service-context.js';
import type { ServiceContext } from '../../src/server/service-context.js';
import { startSimulator, type RunningSimulator } from '../../simulator/index.js';
import { testStores, type TestStore } from '../store/test-stores.js';

/** How a request proves who it is. */
export type Caller =
  | { kind: 'session'; cookie: string; csrfToken: string; workspaceId?: string }
  | { kind: 'token'; token: string }
  | { kind: 'anonymous' };

export interface ServiceWorld {
  app: App;
  ctx: ServiceContext;
  store: TestStore;
  sim?: RunningSimulator;
  /** alice's full-access PAT on the simulator (when started with it). */
  pat?: string;
  /** The service administrator created on first start, signed in. */
  admin: Caller & { kind: 'session' };
  request(caller: Caller, o: InjectOptions): Promise<LightMyRequestResponse>;
  /** Signs a user in with a sign-in link URL: returns a session caller (cookie and CSRF token). */
  signInWith(linkUrl: string): Promise<Caller & { kind: 'session' }>;
  /** Invites a user into the admin's current workspace (or `workspaceId`) and signs them in. */
  member(email: string, o?: { role?: 'admin' | 'member'; workspaceId?: string }): Promise<Caller & { kind: 'session' }>;
  /** An API token of the admin's workspace with the given scope. */
  token(scope: ApiTokenScope, o?: { workspaceId?: string }): Promise<Caller & { kind: 'token' }>;
  close(): Promise<void>;
}

export async function serviceWorld(o: { dialect?: StoreDialect; simulator?: boolean } = {}): Promise<ServiceWorld> {
  const stores = testStores();
  const store = await stores.open(o.dialect ?? 'sqlite');
  const sim = o.simulator ? await startSimulator({ seed: 'demo' }) : undefined;
  const pat = sim?.ready.users.find((u) => u.name === 'alice@example.com')?.pats.find((p) => p.name === 'full')?.token;
  const env = { AZDO_CONNECT_SECRET_KEY: randomBytes(32).toString('base64'), ...(sim?.ready.env ?? {}) };
  const vault = await Vault.open({ dataDir: store.dataDir, env });
  const ctx = createServiceContext({ store, vault, endpoints: endpointsFromEnv(env), config: { dataDir: store.dataDir } });
  const app = await buildApp(ctx);
  await ctx.jobs.start();

  async function request(caller: Caller, options: InjectOptions): Promise<LightMyRequestResponse> {
    const headers: Record<string, string> = { ...(options.headers as Record<string, string> | undefined) };
    if (caller.kind === 'session') {
      headers.cookie = caller.cookie;
      const method = (options.method ?? 'GET').toUpperCase();
      if (!['GET', 'HEAD', 'OPTIONS'].includes(method) && headers['x-csrf-token'] === undefined) headers['x-csrf-token'] = caller.csrfToken;
      if (caller.workspaceId && headers['x-azdo-workspace'] === undefined) headers['x-azdo-workspace'] = caller.workspaceId;
    } else if (caller.kind === 'token') {
      headers.authorization = `Bearer ${caller.token}`;
    }
    return app.inject({ ...options, headers });
  }

  async function signInWith(linkUrl: string): Promise<Caller & { kind: 'session' }> {
    const token = new URL(linkUrl).hash.replace(/^#token=/, '');
    const res = await app.inject({ method: 'POST', url: '/api/v1/sign-in', payload: { token } });
    if (res.statusCode !== 200) throw new Error(`sign-in failed: ${res.statusCode} ${res.body}`);
    const setCookie = res.headers['set-cookie'];
    const cookie = (Array.isArray(setCookie) ? setCookie : [setCookie ?? '']).map((c) => c.split(';')[0]).join('; ');
    const session = await app.inject({ method: 'GET', url: '/api/v1/session', headers: { cookie } });
    const { csrfToken } = session.json<{ csrfToken: string }>();
    return { kind: 'session', cookie, csrfToken };
  }

  const boot = await ctx.access.bootstrap({ email: 'admin@example.com', name: 'Admin' });
  if (!boot) throw new Error('a new store has no users, so bootstrap creates the admin');
  const admin = await signInWith(boot.link.url);

  return {
    app,
    ctx,
    store,
    ...(sim ? { sim } : {}),
    ...(pat ? { pat } : {}),
    admin,
    request,
    signInWith,
    async member(email, m = {}) {
      const caller = m.workspaceId ? { ...admin, workspaceId: m.workspaceId } : admin;
      const res = await request(caller, { method: 'POST', url: '/api/v1/members', payload: { email, role: m.role ?? 'member' } });
      if (res.statusCode !== 201) throw new Error(`invite failed: ${res.statusCode} ${res.body}`);
      const session = await signInWith(res.json<{ signInUrl: string }>().signInUrl);
      return m.workspaceId ? { ...session, workspaceId: m.workspaceId } : session;
    },
    async token(scope, t = {}) {
      const caller = t.workspaceId ? { ...admin, workspaceId: t.workspaceId } : admin;
      const res = await request(caller, { method: 'POST', url: '/api/v1/tokens', payload: { name: `test ${scope}`, scope, expiresInDays: 30 } });
      if (res.statusCode !== 201) throw new Error(`token failed: ${res.statusCode} ${res.body}`);
      return { kind: 'token', token: res.json<{ token: string }>().token };
    },
    async close() {
      await ctx.jobs.stop({ graceMs: 0 });
      await app.close();
      await sim?.stop();
      await stores.cleanup();
    },
  };
}
