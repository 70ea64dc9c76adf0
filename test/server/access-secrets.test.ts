// No session token, API token or sign-in link token leaves the service except where it is handed out: the
// Set-Cookie of a sign-in, the answer that creates an API token, the answers that make a sign-in link. Every other
// answer (body and headers) and every log line, at the most verbose level, is searched for them.
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endpointsFromEnv } from '../../src/azure/endpoints.js';
import { Vault } from '../../src/credentials/vault.js';
import { buildApp, type App } from '../../src/server/build-app.js';
import { createServiceContext } from '../../src/server/create-service-context.js';
import type { ServiceContext } from '../../src/server/service-context.js';
import { testStores } from '../store/test-stores.js';

const stores = testStores();
const logLines: string[] = [];
let app: App;
let ctx: ServiceContext;

/** Answers that may carry a secret, and which one. */
const handedOut: LightMyRequestResponse[] = [];
const others: LightMyRequestResponse[] = [];
const secrets: string[] = [];

beforeAll(async () => {
  const store = await stores.open('sqlite');
  const env = { AZDO_CONNECT_SECRET_KEY: randomBytes(32).toString('base64') };
  const vault = await Vault.open({ dataDir: store.dataDir, env });
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logLines.push(chunk.toString('utf8'));
      done();
    },
  });
  ctx = createServiceContext({ store, vault, endpoints: endpointsFromEnv(env), config: { dataDir: store.dataDir }, logger: pino({ level: 'trace' }, sink) });
  app = await buildApp(ctx);
});

afterAll(async () => {
  await app?.close();
  await stores.cleanup();
});

async function call(o: InjectOptions, handsOut = false): Promise<LightMyRequestResponse> {
  const res = await app.inject(o);
  (handsOut ? handedOut : others).push(res);
  return res;
}

const linkTokenOf = (url: string) => new URL(url).hash.slice('#token='.length);
const cookieOf = (res: LightMyRequestResponse) => String(res.headers['set-cookie']).split(';')[0]!;

describe('secrets in answers and logs', () => {
  it('hands each secret out once and never shows or logs it again', async () => {
    const boot = await ctx.access.bootstrap({ email: 'admin@example.com' });
    const firstLink = linkTokenOf(boot!.link.url);
    secrets.push(firstLink);

    const signIn = await call({ method: 'POST', url: '/api/v1/sign-in', payload: { token: firstLink } }, true);
    const cookie = cookieOf(signIn);
    secrets.push(cookie.split('=')[1]!);
    const session = await call({ method: 'GET', url: '/api/v1/session', headers: { cookie } });
    const csrf = session.json<{ csrfToken: string }>().csrfToken;
    const as = (o: InjectOptions): InjectOptions => ({ ...o, headers: { ...o.headers, cookie, 'x-csrf-token': csrf } });

    const invite = await call(as({ method: 'POST', url: '/api/v1/members', payload: { email: 'bob@example.com', role: 'member' } }), true);
    const bobLink = linkTokenOf(invite.json<{ signInUrl: string }>().signInUrl);
    secrets.push(bobLink);
    const bobId = invite.json<{ member: { userId: string } }>().member.userId;
    const again = await call(as({ method: 'POST', url: `/api/v1/members/${bobId}/sign-in-link` }), true);
    const bobSecondLink = linkTokenOf(again.json<{ signInUrl: string }>().signInUrl);
    secrets.push(bobSecondLink);
    // The first link was replaced; using it fails, and so does using the second one twice.
    await call({ method: 'POST', url: '/api/v1/sign-in', payload: { token: bobLink } });
    const bobSignIn = await call({ method: 'POST', url: '/api/v1/sign-in', payload: { token: bobSecondLink } }, true);
    secrets.push(cookieOf(bobSignIn).split('=')[1]!);
    await call({ method: 'POST', url: '/api/v1/sign-in', payload: { token: bobSecondLink } });

    const created = await call(as({ method: 'POST', url: '/api/v1/tokens', payload: { name: 'ci', scope: 'admin', expiresInDays: 1 } }), true);
    const apiToken = created.json<{ token: string; id: string }>().token;
    secrets.push(apiToken);
    const bearer = { authorization: `Bearer ${apiToken}` };
    await call({ method: 'GET', url: '/api/v1/tokens', headers: bearer });
    await call({ method: 'GET', url: '/api/v1/members', headers: bearer });
    await call({ method: 'GET', url: '/api/v1/session', headers: bearer });
    await call({ method: 'POST', url: '/api/v1/workspaces', headers: bearer, payload: { name: 'nope' } });
    await call({ method: 'GET', url: '/api/v1/nowhere', headers: bearer });
    await call({ method: 'POST', url: '/api/v1/members', headers: { ...bearer, 'content-type': 'application/json' }, payload: '{"broken' });
    await call(as({ method: 'GET', url: '/api/v1/tokens' }));
    await call(as({ method: 'POST', url: '/api/v1/tokens', headers: { 'x-csrf-token': 'wrong' }, payload: { name: 'x', scope: 'read', expiresInDays: 1 } }));
    await call(as({ method: 'DELETE', url: `/api/v1/tokens/${created.json<{ id: string }>().id}` }));
    await call({ method: 'GET', url: '/api/v1/members', headers: bearer });
    await call(as({ method: 'POST', url: '/api/v1/sign-out' }));
    await call({ method: 'GET', url: '/api/v1/session', headers: { cookie } });

    expect(secrets.every((s) => s.length >= 43)).toBe(true);
    // The audit lines exist (so the search below searches something) and say what happened.
    const messages = logLines.map((l) => JSON.parse(l) as { msg: string }).map((l) => l.msg);
    for (const msg of ['signed in', 'sign-in refused', 'member invited', 'sign-in link made', 'API token created', 'API token revoked', 'request refused', 'signed out']) {
      expect(messages).toContain(msg);
    }
    for (const res of others) {
      const text = `${JSON.stringify(res.headers)}\n${res.body}`;
      for (const secret of secrets) expect(text.includes(secret), `${res.statusCode} ${res.body.slice(0, 200)}`).toBe(false);
    }
    // The answers that hand a secret out carry exactly that one.
    for (const res of handedOut) {
      const text = `${JSON.stringify(res.headers)}\n${res.body}`;
      expect(secrets.filter((s) => text.includes(s))).toHaveLength(1);
    }
    for (const line of logLines) {
      for (const secret of secrets) expect(line.includes(secret), line.slice(0, 300)).toBe(false);
    }
  });
});
