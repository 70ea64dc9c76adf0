// The access API as the web UI and scripts use it: signing in and out, the session, workspaces, members and API
// tokens, and the headers that keep browsers safe.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cookieSecure } from '../../src/server/plugins/session-cookie.js';
import { serviceWorld, type Caller, type ServiceWorld } from './service-world.js';

let w: ServiceWorld;
const anonymous: Caller = { kind: 'anonymous' };

beforeAll(async () => {
  w = await serviceWorld();
});
afterAll(async () => w?.close());

function linkToken(url: string): string {
  return new URL(url).hash.replace(/^#token=/, '');
}

async function invite(email: string, caller: Caller = w.admin, role = 'member') {
  const res = await w.request(caller, { method: 'POST', url: '/api/v1/members', payload: { email, role } });
  expect(res.statusCode, res.body).toBe(201);
  return res.json<{ member: { userId: string; email: string; role: string }; signInUrl: string | null; expiresAt: string | null }>();
}

describe('signing in', () => {
  it('sets an http-only, same-site strict, secure session cookie for the whole site and answers who signed in', async () => {
    const { signInUrl } = await invite('cookie@example.com');
    const res = await w.app.inject({ method: 'POST', url: '/api/v1/sign-in', payload: { token: linkToken(signInUrl!) } });
    expect(res.statusCode).toBe(200);
    const body = res.json<{ user: { email: string; isAdmin: boolean }; expiresAt: string }>();
    expect(body.user).toMatchObject({ email: 'cookie@example.com', isAdmin: false });
    expect(Date.parse(body.expiresAt) - Date.now()).toBeGreaterThan(11 * 3600_000);
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).toMatch(/^azdo_session=[A-Za-z0-9_-]{43};/);
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; SameSite=Strict/);
    expect(cookie).toMatch(/; Secure/);
    expect(cookie).toMatch(/; Path=\//);
    const expires = Date.parse(/Expires=([^;]+)/.exec(cookie)?.[1] ?? '');
    expect(expires - Date.now()).toBeGreaterThan(6.9 * 24 * 3600_000);
    expect(res.body).not.toContain(cookie.split(';')[0]!.split('=')[1]);
  });

  it('refuses a link the second time, and a made-up one, with the same 401', async () => {
    const { signInUrl } = await invite('twice@example.com');
    await w.signInWith(signInUrl!);
    const again = await w.app.inject({ method: 'POST', url: '/api/v1/sign-in', payload: { token: linkToken(signInUrl!) } });
    expect(again.statusCode).toBe(401);
    expect(again.json()).toMatchObject({ code: 'AZDO_SIGN_IN_LINK_INVALID' });
    expect(again.headers['set-cookie']).toBeUndefined();
    const bad = await w.app.inject({ method: 'POST', url: '/api/v1/sign-in', payload: { token: 'A'.repeat(43) } });
    expect(bad.json<{ title: string }>().title).toBe(again.json<{ title: string }>().title);
  });

  it('answers malformed sign-in bodies with 400 problem JSON', async () => {
    for (const payload of [{}, { token: ['a', 'b'] }, { token: 'x', extra: true }]) {
      const res = await w.app.inject({ method: 'POST', url: '/api/v1/sign-in', payload });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ code: 'AZDO_REQUEST_INVALID' });
    }
  });

  it('tells a session who it is, where it acts, where else it may, and its CSRF token', async () => {
    const res = await w.request(w.admin, { method: 'GET', url: '/api/v1/session' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      user: { email: 'admin@example.com', isAdmin: true },
      workspace: { id: 'default', role: 'admin' },
      workspaces: [{ id: 'default' }],
      csrfToken: w.admin.csrfToken,
      via: 'session',
      scope: 'admin',
    });
  });

  it('signs out: the session ends and the cookie is cleared', async () => {
    const { signInUrl } = await invite('leaving@example.com');
    const caller = await w.signInWith(signInUrl!);
    const out = await w.request(caller, { method: 'POST', url: '/api/v1/sign-out' });
    expect(out.statusCode).toBe(204);
    expect(String(out.headers['set-cookie'])).toMatch(/^azdo_session=;.*Expires=Thu, 01 Jan 1970/);
    const after = await w.request(caller, { method: 'GET', url: '/api/v1/session' });
    expect(after.statusCode).toBe(401);
    // Signing out without a session is no error.
    expect((await w.app.inject({ method: 'POST', url: '/api/v1/sign-out' })).statusCode).toBe(204);
  });
});

describe('workspaces', () => {
  it('lets the service administrator create a workspace and act in it with X-Azdo-Workspace', async () => {
    const res = await w.request(w.admin, { method: 'POST', url: '/api/v1/workspaces', payload: { name: 'Platform' } });
    expect(res.statusCode, res.body).toBe(201);
    const ws = res.json<{ id: string; name: string; role: string }>();
    expect(ws).toMatchObject({ name: 'Platform', role: 'admin' });
    const inWs = { ...w.admin, workspaceId: ws.id };
    expect((await w.request(inWs, { method: 'GET', url: '/api/v1/session' })).json()).toMatchObject({ workspace: { id: ws.id, name: 'Platform' } });
    const list = await w.request(w.admin, { method: 'GET', url: '/api/v1/workspaces?limit=1' });
    expect(list.json<{ items: unknown[]; nextCursor: string | null }>()).toMatchObject({ items: [{ id: 'default' }], nextCursor: expect.any(String) });
    expect((await w.request(w.admin, { method: 'POST', url: '/api/v1/workspaces', payload: { name: 'platform' } })).statusCode).toBe(409);
  });

  it('refuses to create workspaces for anyone else', async () => {
    const lead = await w.member('lead@example.com', { role: 'admin' });
    const res = await w.request(lead, { method: 'POST', url: '/api/v1/workspaces', payload: { name: 'Mine' } });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ code: 'AZDO_ACCESS_DENIED' });
  });
});

describe('members', () => {
  it('invites, lists, promotes and removes members, and keeps the last administrator', async () => {
    const created = await w.request(w.admin, { method: 'POST', url: '/api/v1/workspaces', payload: { name: 'Members test' } });
    const ws = created.json<{ id: string }>().id;
    const inWs = { ...w.admin, workspaceId: ws };
    const { member, signInUrl, expiresAt } = await invite('carol@example.com', inWs, 'admin');
    expect(signInUrl).toMatch(/^http:\/\/localhost:8080\/sign-in#token=/);
    expect(Date.parse(expiresAt!) - Date.now()).toBeGreaterThan(23 * 3600_000);
    const carol = { ...(await w.signInWith(signInUrl!)), workspaceId: ws };

    const list = await w.request(carol, { method: 'GET', url: '/api/v1/members' });
    expect(list.json<{ items: Array<{ email: string; role: string }> }>().items.map((m) => [m.email, m.role])).toEqual([
      ['admin@example.com', 'admin'],
      ['carol@example.com', 'admin'],
    ]);
    const adminId = (await w.request(w.admin, { method: 'GET', url: '/api/v1/session' })).json<{ user: { id: string } }>().user.id;
    const demoteAdmin = await w.request(carol, { method: 'PATCH', url: `/api/v1/members/${adminId}`, payload: { role: 'member' } });
    expect(demoteAdmin.json()).toMatchObject({ role: 'member' });
    const last = await w.request(carol, { method: 'DELETE', url: `/api/v1/members/${member.userId}` });
    expect(last.statusCode).toBe(409);
    expect(last.json()).toMatchObject({ code: 'AZDO_MEMBER_LAST_ADMIN_CONFLICT' });

    const link = await w.request(carol, { method: 'POST', url: `/api/v1/members/${member.userId}/sign-in-link` });
    expect(link.statusCode).toBe(200);
    expect(link.json()).toMatchObject({ signInUrl: expect.stringMatching(/#token=/), expiresAt: expect.any(String) });

    const dave = await invite('dave@example.com', carol);
    const removed = await w.request(carol, { method: 'DELETE', url: `/api/v1/members/${dave.member.userId}` });
    expect(removed.statusCode).toBe(204);
    expect(removed.body).toBe('');
    expect((await w.request(carol, { method: 'PATCH', url: `/api/v1/members/${dave.member.userId}`, payload: { role: 'admin' } })).statusCode).toBe(404);
  });

  it('answers an invite of an existing member with 409 and a bad address with 400 naming the field', async () => {
    await invite('erin@example.com');
    const again = await w.request(w.admin, { method: 'POST', url: '/api/v1/members', payload: { email: 'ERIN@example.com', role: 'member' } });
    expect(again.statusCode).toBe(409);
    const bad = await w.request(w.admin, { method: 'POST', url: '/api/v1/members', payload: { email: 'not an address', role: 'member' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: 'AZDO_MEMBER_EMAIL_INVALID', field: 'email' });
  });
});

describe('API tokens', () => {
  it('shows a token only in the answer that creates it, lists it without, and stops it when revoked', async () => {
    const res = await w.request(w.admin, { method: 'POST', url: '/api/v1/tokens', payload: { name: 'ci', scope: 'write', expiresInDays: 7 } });
    expect(res.statusCode).toBe(201);
    const created = res.json<{ token: string; id: string; prefix: string; scope: string }>();
    expect(created).toMatchObject({ scope: 'write', prefix: created.token.slice(0, 9) });
    const caller: Caller = { kind: 'token', token: created.token };
    const me = await w.request(caller, { method: 'GET', url: '/api/v1/session' });
    expect(me.json()).toMatchObject({ via: 'token', scope: 'write', csrfToken: '', workspaces: [{ id: 'default' }] });

    const list = await w.request(w.admin, { method: 'GET', url: '/api/v1/tokens' });
    expect(list.statusCode).toBe(200);
    expect(list.body).not.toContain(created.token);
    expect(list.json<{ items: Array<{ id: string }> }>().items.map((t) => t.id)).toContain(created.id);

    const revoked = await w.request(w.admin, { method: 'DELETE', url: `/api/v1/tokens/${created.id}` });
    expect(revoked.json()).toMatchObject({ id: created.id, revokedAt: expect.any(String) });
    const refused = await w.request(caller, { method: 'GET', url: '/api/v1/session' });
    expect(refused.statusCode).toBe(401);
    expect(refused.json()).toMatchObject({ code: 'AZDO_API_TOKEN_INVALID' });
    expect(refused.headers['www-authenticate']).toBe('Bearer realm="azdo-connect", error="invalid_token"');
    expect((await w.request(w.admin, { method: 'DELETE', url: '/api/v1/tokens/no-such-token' })).statusCode).toBe(404);
  });

  it('checks a new token\'s fields against the schema', async () => {
    for (const payload of [
      { name: 'x', scope: 'root', expiresInDays: 1 },
      { name: 'x', scope: 'read', expiresInDays: 0 },
      { name: 'x', scope: 'read', expiresInDays: 367 },
      { name: '', scope: 'read', expiresInDays: 1 },
      { name: 'x', scope: 'read' },
    ]) {
      const res = await w.request(w.admin, { method: 'POST', url: '/api/v1/tokens', payload });
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
    }
  });
});

describe('headers', () => {
  it('marks API answers not to be stored and sends a strict content security policy everywhere', async () => {
    for (const url of ['/api/v1/session', '/api/v1/nowhere']) {
      const res = await w.request(w.admin, { method: 'GET', url });
      expect(res.headers['cache-control']).toBe('no-store');
    }
    const anon = await w.request(anonymous, { method: 'GET', url: '/api/v1/members' });
    expect(anon.headers['cache-control']).toBe('no-store');
    for (const url of ['/api/v1/session', '/healthz', '/no-such-page']) {
      const res = await w.request(anonymous, { method: 'GET', url });
      const csp = String(res.headers['content-security-policy']);
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("img-src 'self' data:");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain('unsafe-inline');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['x-frame-options']).toBe('DENY');
    }
  });

  it('makes cookies Secure over https and on localhost, where browsers accept them, and not on other plain-http hosts', () => {
    expect(cookieSecure('https://azdo.example.com')).toBe(true);
    expect(cookieSecure('http://localhost:8080')).toBe(true);
    expect(cookieSecure('http://127.0.0.1:3000')).toBe(true);
    expect(cookieSecure('http://[::1]:3000')).toBe(true);
    expect(cookieSecure('http://azdo.intranet:8080')).toBe(false);
  });
});
