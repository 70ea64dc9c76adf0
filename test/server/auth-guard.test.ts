// Security of the API as a whole: nothing but the public routes answers without a session or token, sessions need
// the CSRF header on unsafe requests, tokens are held to their scope and workspace, expired and revoked credentials
// are refused, sign-in links work once, sign-in attempts are rate limited.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import type { LightMyRequestResponse } from 'fastify';
import { buildApp } from '../../src/server/build-app.js';
import { createServiceContext } from '../../src/server/create-service-context.js';
import { DIALECTS, testStores } from '../store/test-stores.js';
import { serviceWorld, type Caller, type ServiceWorld } from './service-world.js';
import { listRoutes, urlOf, type ListedRoute } from './route-list.js';

let w: ServiceWorld;
let routes: ListedRoute[];
const anonymous: Caller = { kind: 'anonymous' };
const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Routes of /api/v1 anyone may call: signing in needs no session, and signing out only ends one. */
const PUBLIC_API = new Set(['POST /api/v1/sign-in', 'POST /api/v1/sign-out']);
/** Routes outside /api/v1 are public unless they say otherwise; each must be one of these (none holds data). */
const PUBLIC_ELSEWHERE = [/^\/healthz$/, /^\/readyz$/, /^\/metrics$/, /^\/openapi\.json$/, /^\/api\/docs(\/|$)/, /^\/$/, /^\/assets\//, /^\/\*$/, /^\/sign-in$/];
/** Unsafe routes that only read, so a read token may call them (resolving a URL changes nothing). */
const READ_ONLY_UNSAFE = new Set<string>(['POST /api/v1/resolve']);
/** Routes for workspace administrators only. */
const ADMIN_ONLY = new Set([
  'POST /api/v1/workspaces',
  'POST /api/v1/members',
  'PATCH /api/v1/members/:userId',
  'DELETE /api/v1/members/:userId',
  'POST /api/v1/members/:userId/sign-in-link',
  'GET /api/v1/tokens',
  'POST /api/v1/tokens',
  'DELETE /api/v1/tokens/:id',
]);

const key = (r: ListedRoute) => `${r.method} ${r.path}`;
const isApi = (r: ListedRoute) => r.path.startsWith('/api/v1/');
const guarded = () => routes.filter((r) => isApi(r) && !PUBLIC_API.has(key(r)));

beforeAll(async () => {
  w = await serviceWorld();
  routes = listRoutes(w.app);
});
afterAll(async () => w?.close());

function expectProblem(res: LightMyRequestResponse, status: number, code: string, what: string): void {
  expect(res.statusCode, `${what}: ${res.body}`).toBe(status);
  expect(res.headers['content-type'], what).toMatch(/^application\/problem\+json/);
  // HEAD answers carry the headers of the problem, not its body.
  if (res.body !== '') expect(res.json<{ code: string }>().code, what).toBe(code);
}

describe('without a session or token', () => {
  it('finds the routes to check', () => {
    expect(guarded().length).toBeGreaterThan(10);
    expect(routes.map(key)).toContain('POST /api/v1/members');
  });

  it('refuses every route of the API but sign-in and sign-out with 401 and WWW-Authenticate', async () => {
    for (const route of guarded()) {
      const res = await w.request(anonymous, { method: route.method as 'GET', url: urlOf(route), payload: UNSAFE.has(route.method) ? {} : undefined });
      expectProblem(res, 401, 'AZDO_AUTH_REQUIRED', key(route));
      expect(res.headers['www-authenticate'], key(route)).toBe('Bearer realm="azdo-connect"');
      if (route.method !== 'HEAD') expect(res.body).not.toContain('"items"');
    }
  });

  it('answers 401 for paths of the API that do not exist, so its routes cannot be discovered', async () => {
    for (const [method, url] of [['GET', '/api/v1/no-such-thing'], ['POST', '/api/v1/admin/users'], ['DELETE', '/api/v1/connections/x/y/z'], ['GET', '/api/v1']]) {
      expectProblem(await w.request(anonymous, { method: method as 'GET', url }), 401, 'AZDO_AUTH_REQUIRED', `${method} ${url}`);
    }
  });

  it('has no other unauthenticated routes than health, metrics, the API reference and the web UI', () => {
    const elsewhere = routes.filter((r) => !isApi(r)).map((r) => r.path);
    for (const path of elsewhere) expect(PUBLIC_ELSEWHERE.some((p) => p.test(path)), path).toBe(true);
  });

  it('refuses made-up cookies and tokens, and other authorization schemes', async () => {
    const fakes: Array<[Record<string, string>, string]> = [
      [{ cookie: `azdo_session=${'A'.repeat(43)}` }, 'AZDO_AUTH_REQUIRED'],
      [{ cookie: 'azdo_session=' }, 'AZDO_AUTH_REQUIRED'],
      [{ authorization: `Bearer azdo_${'A'.repeat(43)}` }, 'AZDO_API_TOKEN_INVALID'],
      [{ authorization: 'Bearer nonsense' }, 'AZDO_API_TOKEN_INVALID'],
      [{ authorization: 'Basic YWRtaW46YWRtaW4=' }, 'AZDO_AUTH_REQUIRED'],
      [{ authorization: 'Bearer' }, 'AZDO_AUTH_REQUIRED'],
    ];
    for (const [headers, code] of fakes) {
      expectProblem(await w.app.inject({ method: 'GET', url: '/api/v1/members', headers }), 401, code, JSON.stringify(headers));
    }
    // A dead session's cookie is cleared.
    const dead = await w.app.inject({ method: 'GET', url: '/api/v1/session', headers: { cookie: `azdo_session=${'B'.repeat(43)}` } });
    expect(String(dead.headers['set-cookie'])).toMatch(/^azdo_session=;/);
  });
});

describe('CSRF', () => {
  it('refuses every unsafe request of a session without the X-CSRF-Token header', async () => {
    for (const route of guarded().filter((r) => UNSAFE.has(r.method))) {
      const res = await w.app.inject({ method: route.method as 'POST', url: urlOf(route), headers: { cookie: w.admin.cookie }, payload: {} });
      expectProblem(res, 403, 'AZDO_CSRF_TOKEN_MISSING', key(route));
    }
  });

  it('refuses a wrong CSRF token and another session\'s', async () => {
    const other = await w.member('csrf-other@example.com');
    for (const csrf of ['wrong', `${w.admin.csrfToken}x`, other.csrfToken, w.admin.csrfToken.toLowerCase()]) {
      const res = await w.request(w.admin, { method: 'POST', url: '/api/v1/tokens', headers: { 'x-csrf-token': csrf }, payload: { name: 'x', scope: 'read', expiresInDays: 1 } });
      expectProblem(res, 403, 'AZDO_CSRF_TOKEN_INVALID', csrf);
    }
  });

  it('needs no CSRF token for API tokens, which browsers never send by themselves', async () => {
    const admin = await w.token('admin');
    const res = await w.request(admin, { method: 'POST', url: '/api/v1/tokens', payload: { name: 'from a script', scope: 'read', expiresInDays: 1 } });
    expect(res.statusCode).toBe(201);
  });
});

describe('scopes and roles', () => {
  it('lets a read token read, and refuses it every unsafe route', async () => {
    const reader = await w.token('read');
    expect((await w.request(reader, { method: 'GET', url: '/api/v1/members' })).statusCode).toBe(200);
    for (const route of guarded().filter((r) => UNSAFE.has(r.method) && !READ_ONLY_UNSAFE.has(key(r)))) {
      const res = await w.request(reader, { method: route.method as 'POST', url: urlOf(route), payload: {} });
      expectProblem(res, 403, 'AZDO_TOKEN_SCOPE_INSUFFICIENT', key(route));
    }
  });

  it('refuses a write token and a member\'s session the administrators\' routes', async () => {
    const writer = await w.token('write');
    const member = await w.member('plain-member@example.com');
    for (const route of routes.filter((r) => ADMIN_ONLY.has(key(r)))) {
      const payload = UNSAFE.has(route.method) ? {} : undefined;
      expectProblem(await w.request(writer, { method: route.method as 'POST', url: urlOf(route), payload }), 403, 'AZDO_TOKEN_SCOPE_INSUFFICIENT', key(route));
      expectProblem(await w.request(member, { method: route.method as 'POST', url: urlOf(route), payload }), 403, 'AZDO_ACCESS_DENIED', key(route));
    }
  });

  it('refuses expired and revoked tokens', async () => {
    const expiring = await w.token('read');
    const revoking = await w.token('read');
    await sql`update api_tokens set expires_at = ${new Date(Date.now() - 1000).toISOString()} where id = ${await idOf(expiring.token)}`.execute(w.ctx.store.db);
    await w.request(w.admin, { method: 'DELETE', url: `/api/v1/tokens/${await idOf(revoking.token)}` });
    const expired = await w.request(expiring, { method: 'GET', url: '/api/v1/members' });
    expectProblem(expired, 401, 'AZDO_API_TOKEN_INVALID', 'expired');
    expect(expired.json<{ title: string }>().title).toMatch(/expired/);
    const revoked = await w.request(revoking, { method: 'GET', url: '/api/v1/members' });
    expectProblem(revoked, 401, 'AZDO_API_TOKEN_INVALID', 'revoked');
    expect(revoked.json<{ title: string }>().title).toMatch(/revoked/);
  });

  it('ends a removed member\'s access at their next request', async () => {
    const gone = await w.member('gone@example.com');
    const me = (await w.request(gone, { method: 'GET', url: '/api/v1/session' })).json<{ user: { id: string } }>();
    expect((await w.request(w.admin, { method: 'DELETE', url: `/api/v1/members/${me.user.id}` })).statusCode).toBe(204);
    expectProblem(await w.request(gone, { method: 'GET', url: '/api/v1/members' }), 403, 'AZDO_ACCESS_DENIED', 'removed');
  });
});

async function idOf(token: string): Promise<string> {
  const list = await w.request(w.admin, { method: 'GET', url: '/api/v1/tokens?limit=500' });
  const found = list.json<{ items: Array<{ id: string; prefix: string }> }>().items.find((t) => token.startsWith(t.prefix));
  if (!found) throw new Error('token not listed');
  return found.id;
}

describe('workspaces are separate', () => {
  it('keeps a member of one workspace out of another\'s connections, members and tokens', async () => {
    const b = (await w.request(w.admin, { method: 'POST', url: '/api/v1/workspaces', payload: { name: 'Team B' } })).json<{ id: string }>().id;
    const inB = { ...w.admin, workspaceId: b };
    const bConnection = await w.ctx.connectionsFor(b).addConnection({ name: 'b-only', url: 'https://dev.azure.com/team-b', credential: { type: 'pat', token: 'b'.repeat(52) } });
    const bMember = (await w.request(inB, { method: 'POST', url: '/api/v1/members', payload: { email: 'b-only@example.com', role: 'member' } })).json<{ member: { userId: string } }>();
    const bToken = (await w.request(inB, { method: 'POST', url: '/api/v1/tokens', payload: { name: 'b', scope: 'read', expiresInDays: 1 } })).json<{ id: string; token: string }>();

    const lead = await w.member('lead-a@example.com', { role: 'admin' });
    const leadInB = { ...lead, workspaceId: b };
    for (const url of ['/api/v1/members', '/api/v1/tokens', '/api/v1/connections', `/api/v1/connections/${bConnection.id}`]) {
      expectProblem(await w.request(leadInB, { method: 'GET', url }), 403, 'AZDO_ACCESS_DENIED', url);
    }
    // In their own workspace, B's things are not found.
    const connections = await w.request(lead, { method: 'GET', url: '/api/v1/connections' });
    expect(connections.statusCode).toBe(200);
    expect(connections.body).not.toContain('b-only');
    expect((await w.request(lead, { method: 'GET', url: `/api/v1/connections/${bConnection.id}` })).statusCode).toBe(404);
    expect((await w.request(lead, { method: 'DELETE', url: `/api/v1/connections/${bConnection.id}?confirm=b-only` })).statusCode).toBe(404);
    expectProblem(await w.request(lead, { method: 'DELETE', url: `/api/v1/tokens/${bToken.id}` }), 404, 'AZDO_TOKEN_NOT_FOUND', 'token');
    expectProblem(await w.request(lead, { method: 'PATCH', url: `/api/v1/members/${bMember.member.userId}`, payload: { role: 'admin' } }), 404, 'AZDO_MEMBER_NOT_FOUND', 'member');
    expectProblem(await w.request(lead, { method: 'DELETE', url: `/api/v1/members/${bMember.member.userId}` }), 404, 'AZDO_MEMBER_NOT_FOUND', 'member');
    expect((await w.request(lead, { method: 'GET', url: '/api/v1/members' })).body).not.toContain('b-only@example.com');
    // B's token works in B only, whatever header it sends.
    const bCaller: Caller = { kind: 'token', token: bToken.token };
    expectProblem(await w.request(bCaller, { method: 'GET', url: '/api/v1/members', headers: { 'x-azdo-workspace': 'default' } }), 403, 'AZDO_ACCESS_DENIED', 'header');
    expect((await w.request(bCaller, { method: 'GET', url: '/api/v1/connections' })).body).toContain('b-only');
    // And B's connection is still there.
    expect((await w.request(inB, { method: 'GET', url: `/api/v1/connections/${bConnection.id}` })).statusCode).toBe(200);
  });
});

describe('sign-in links and rate limits', () => {
  it('refuses a sign-in link the second time', async () => {
    const invite = await w.request(w.admin, { method: 'POST', url: '/api/v1/members', payload: { email: 'once@example.com', role: 'member' } });
    const token = new URL(invite.json<{ signInUrl: string }>().signInUrl).hash.slice('#token='.length);
    expect((await w.app.inject({ method: 'POST', url: '/api/v1/sign-in', payload: { token } })).statusCode).toBe(200);
    expectProblem(await w.app.inject({ method: 'POST', url: '/api/v1/sign-in', payload: { token } }), 401, 'AZDO_SIGN_IN_LINK_INVALID', 'reuse');
  });

  it('answers 429 problem JSON with Retry-After after 10 failed sign-ins a minute from one address', async () => {
    const own = await serviceWorld();
    try {
      const link = await own.ctx.access.createSignInLink({ email: 'admin@example.com' });
      const valid = new URL(link.url).hash.slice('#token='.length);
      for (let i = 0; i < 10; i += 1) {
        expectProblem(await own.app.inject({ method: 'POST', url: '/api/v1/sign-in', payload: { token: `${'x'.repeat(42)}${i}` } }), 401, 'AZDO_SIGN_IN_LINK_INVALID', `attempt ${i}`);
      }
      const limited = await own.app.inject({ method: 'POST', url: '/api/v1/sign-in', payload: { token: valid } });
      expectProblem(limited, 429, 'AZDO_RATE_LIMITED', 'limited');
      const retry = Number(limited.headers['retry-after']);
      expect(retry).toBeGreaterThan(0);
      expect(retry).toBeLessThanOrEqual(60);
      expect(limited.json()).toMatchObject({ details: { retryAfterSeconds: retry } });
      // Another address is not held back.
      const elsewhere = await own.app.inject({ method: 'POST', url: '/api/v1/sign-in', payload: { token: valid }, remoteAddress: '192.0.2.7' });
      expect(elsewhere.statusCode).toBe(200);
    } finally {
      await own.close();
    }
  });

  it.each(DIALECTS)('counts failed sign-ins across two instances sharing one store (%s)', async (dialect) => {
    const one = await serviceWorld({ dialect });
    // A second instance: its own app, context and connection to the same database, as behind a load balancer.
    const stores = testStores();
    const store = await stores.reopen(dialect, one.store);
    const two = await buildApp(createServiceContext({ store, vault: one.ctx.vault, endpoints: one.ctx.endpoints, config: { dataDir: one.store.dataDir } }));
    try {
      const link = await one.ctx.access.createSignInLink({ email: 'admin@example.com' });
      const valid = new URL(link.url).hash.slice('#token='.length);
      for (let i = 0; i < 10; i += 1) {
        const app = i % 2 ? two : one.app;
        expectProblem(await app.inject({ method: 'POST', url: '/api/v1/sign-in', payload: { token: `${'y'.repeat(42)}${i}` } }), 401, 'AZDO_SIGN_IN_LINK_INVALID', `attempt ${i}`);
      }
      // Five failures on each instance: both now refuse, even the valid link, until the minute is over.
      expectProblem(await two.inject({ method: 'POST', url: '/api/v1/sign-in', payload: { token: valid } }), 429, 'AZDO_RATE_LIMITED', 'second instance');
      expectProblem(await one.app.inject({ method: 'POST', url: '/api/v1/sign-in', payload: { token: valid } }), 429, 'AZDO_RATE_LIMITED', 'first instance');
      expect((await two.inject({ method: 'POST', url: '/api/v1/sign-in', payload: { token: valid }, remoteAddress: '192.0.2.9' })).statusCode).toBe(200);
    } finally {
      await two.close();
      await stores.cleanup();
      await one.close();
    }
  });

  it('counts successful sign-ins only toward a wider limit', async () => {
    const own = await serviceWorld();
    try {
      for (let i = 0; i < 12; i += 1) await own.member(`m${i}@example.com`);
    } finally {
      await own.close();
    }
  });
});
