// The connections API against the demo simulator, as the web UI and scripts use it: add, list, show, edit, test
// (streamed), remove, generate SSH keys. Every response is kept, and at the end none may hold a secret.
import { randomBytes } from 'node:crypto';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import sshpk from 'sshpk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordTestResult } from '../../src/store/connections-repo.js';
import { serviceWorld, type ServiceWorld } from './service-world.js';

let w: ServiceWorld;
/** Every response of the walk, but the one that hands out a generated private key (the documented exception). */
const seen: LightMyRequestResponse[] = [];
const secrets: string[] = [];

async function call(o: InjectOptions, keep = true): Promise<LightMyRequestResponse> {
  const res = await w.request(w.admin, o);
  if (keep) seen.push(res);
  return res;
}

const fabrikam = 'https://dev.azure.com/fabrikam';
/** A token of the right shape that Azure DevOps does not know. */
const wrongPat = (): string => randomBytes(39).toString('base64url').replace(/[-_]/g, 'a').slice(0, 52).toLowerCase();

interface View {
  id: string;
  name: string;
  version: number;
  credential: Record<string, unknown>;
  customHeaders: Array<{ name: string; secret: boolean; value?: string }>;
  status: { lastTest: string; lastTestOk?: boolean; lastTestAt?: string; lastTestResult?: { checks: unknown[] } };
  ssh: { port?: number; knownHosts?: string };
}

async function add(body: Record<string, unknown>): Promise<View> {
  const res = await call({ method: 'POST', url: '/api/v1/connections', payload: body });
  expect(res.statusCode, res.body).toBe(201);
  return res.json<View>();
}

async function names(): Promise<string[]> {
  const res = await call({ method: 'GET', url: '/api/v1/connections?limit=500' });
  return res.json<{ items: View[] }>().items.map((c) => c.name);
}

beforeAll(async () => {
  w = await serviceWorld({ simulator: true });
  secrets.push(w.pat!);
}, 120_000);

afterAll(async () => {
  await w?.close();
});

describe('adding a connection', () => {
  it('answers 201 with the connection and without its token', async () => {
    const res = await call({ method: 'POST', url: '/api/v1/connections', payload: { name: 'prod', url: fabrikam, labels: ['team-a'], credential: { type: 'pat', token: w.pat } } });
    expect(res.statusCode).toBe(201);
    const view = res.json<View & { url: string; kind: string }>();
    expect(res.headers.location).toBe(`/api/v1/connections/${view.id}`);
    expect(view).toMatchObject({ name: 'prod', url: fabrikam, kind: 'services', version: 1, status: { lastTest: 'never' } });
    expect(view.credential).toMatchObject({ type: 'pat', tokenFingerprint: expect.stringMatching(/^…[0-9a-f]{6}$/) });
    expect(res.body).not.toContain(w.pat);
  });

  it('reports every invalid field at once and saves nothing', async () => {
    const before = await names();
    const res = await call({
      method: 'POST',
      url: '/api/v1/connections',
      payload: { name: '', url: 'https://example.com', kind: 'services', credential: { type: 'pat', token: 'Basic abc' }, tls: { caBundle: 'not a certificate' } },
    });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    const problem = res.json<{ code: string; fields: Array<{ field: string }> }>();
    expect(problem.code).toBe('AZDO_CONNECTION_INVALID');
    expect(problem.fields.map((f) => f.field)).toEqual(expect.arrayContaining(['name', 'credential.token', 'tls.caBundle']));
    expect(problem.fields.length).toBeGreaterThanOrEqual(4);
    expect(await names()).toEqual(before);
  });

  it('refuses wrongly typed and unknown fields, naming each, and only the credential kind chosen', async () => {
    const res = await call({
      method: 'POST',
      url: '/api/v1/connections',
      payload: { name: 'x', url: fabrikam, labels: 'a', extra: 1, credential: { type: 'pat', tokn: 'abc' }, ssh: { port: 'twenty-two' } },
    });
    expect(res.statusCode).toBe(400);
    const problem = res.json<{ code: string; fields: Array<{ field: string; message: string }> }>();
    expect(problem.code).toBe('AZDO_REQUEST_INVALID');
    // Bodies are taken as typed: "a" is not turned into ["a"] for labels, nor "twenty-two" into a port.
    expect(problem.fields.map((f) => f.field).sort()).toEqual(['credential.tokn', 'extra', 'labels', 'ssh.port']);
    expect(JSON.stringify(problem)).not.toMatch(/servicePrincipal|privateKey/);
  });

  it('names the credential kinds when the type is unknown', async () => {
    const res = await call({ method: 'POST', url: '/api/v1/connections', payload: { name: 'x', url: fabrikam, credential: { type: 'password', token: 'x' } } });
    expect(res.statusCode).toBe(400);
    expect(res.json<{ fields: Array<{ field: string; message: string }> }>().fields).toEqual([
      expect.objectContaining({ field: 'credential.type', message: expect.stringMatching(/pat, ssh, servicePrincipal/) }),
    ]);
  });

  it('refuses a name already taken (any case) with 409 about the name', async () => {
    const res = await call({ method: 'POST', url: '/api/v1/connections', payload: { name: 'PROD', url: fabrikam, credential: { type: 'pat', token: w.pat } } });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ code: 'AZDO_CONNECTION_NAME_TAKEN', field: 'name' });
  });

  it('refuses a body over 1 MiB with 413 and saves nothing', async () => {
    const before = await names();
    const res = await call({
      method: 'POST',
      url: '/api/v1/connections',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ name: 'big', url: fabrikam, description: 'x'.repeat(1024 * 1024 + 10), credential: { type: 'pat', token: w.pat } }),
    });
    expect(res.statusCode).toBe(413);
    expect(res.json()).toMatchObject({ code: 'AZDO_BODY_TOO_LARGE', status: 413 });
    expect(await names()).toEqual(before);
  });

  it('refuses malformed JSON with a 400 problem', async () => {
    const res = await call({ method: 'POST', url: '/api/v1/connections', headers: { 'content-type': 'application/json' }, payload: '{"name": "x", ' });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'AZDO_BODY_MALFORMED', status: 400 });
  });

  it('keeps a service principal\'s secret and a secret header write-only', async () => {
    const sp = w.sim!.ready.servicePrincipals.find((s) => s.displayName === 'fabrikam-ci')!;
    const headerSecret = `cf-${randomBytes(12).toString('hex')}`;
    secrets.push(sp.clientSecret, headerSecret);
    const view = await add({
      name: 'ci',
      url: fabrikam,
      credential: { type: 'servicePrincipal', tenantId: sp.tenantId, clientId: sp.clientId, clientSecret: sp.clientSecret },
      customHeaders: [
        { name: 'CF-Access-Client-Id', value: 'visible-id' },
        { name: 'CF-Access-Client-Secret', value: headerSecret, secret: true },
      ],
    });
    expect(view.customHeaders).toEqual([
      { name: 'CF-Access-Client-Id', secret: false, value: 'visible-id' },
      { name: 'CF-Access-Client-Secret', secret: true },
    ]);
    expect(view.credential).toEqual({ type: 'servicePrincipal', tenantId: sp.tenantId, clientId: sp.clientId });
  });
});

describe('listing and showing', () => {
  beforeAll(async () => {
    for (const name of ['alpha', 'beta', 'gamma']) await add({ name, url: fabrikam, labels: name === 'beta' ? ['blue'] : [], credential: { type: 'pat', token: w.pat } });
  });

  it('pages by name with a cursor until the last page', async () => {
    const all: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await call({ method: 'GET', url: `/api/v1/connections?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}` });
      expect(res.statusCode).toBe(200);
      const page = res.json<{ items: View[]; nextCursor: string | null }>();
      expect(page.items.length).toBeLessThanOrEqual(2);
      all.push(...page.items.map((c) => c.name));
      cursor = page.nextCursor;
      pages++;
    } while (cursor !== null);
    expect(all).toEqual(['alpha', 'beta', 'ci', 'gamma', 'prod']);
    expect(pages).toBe(3);
  });

  it('answers a page again from memory only while nothing changed: a change made anywhere shows at once', async () => {
    const page = async (query = 'limit=500'): Promise<View[]> => {
      const res = await call({ method: 'GET', url: `/api/v1/connections?${query}` });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
      return res.json<{ items: View[] }>().items;
    };
    const before = await page();
    expect(await page()).toEqual(before);
    // Through the library and the store alone, as another instance or the CLI would: nothing tells this app but the
    // store's change stamp.
    const library = w.ctx.connectionsFor('default');
    const added = await library.addConnection({ name: 'cache-probe', url: 'https://dev.azure.com/cacheprobe', credential: { type: 'pat', token: wrongPat() } });
    expect((await page()).map((c) => c.name)).toEqual([...before.map((c) => c.name), 'cache-probe'].sort());
    expect((await page('limit=2')).map((c) => c.name)).toEqual(['alpha', 'beta']);
    await library.editConnection(added.id, { description: 'changed elsewhere' });
    expect((await page()).find((c) => c.id === added.id)).toMatchObject({ description: 'changed elsewhere', version: 2 });
    await recordTestResult(w.store.db, { workspaceId: 'default', id: added.id, ok: false, result: { ok: false, checks: [] } });
    expect((await page()).find((c) => c.id === added.id)?.status).toMatchObject({ lastTest: 'failed', lastTestOk: false });
    await library.removeConnection(added.id);
    expect(await page()).toEqual(before);
    // Another workspace's page is its own, whatever this one's holds.
    const other = await w.request(w.admin, { method: 'POST', url: '/api/v1/workspaces', payload: { name: 'Cache probe' } });
    expect(other.statusCode, other.body).toBe(201);
    const theirs = await w.request({ ...w.admin, workspaceId: other.json<{ id: string }>().id }, { method: 'GET', url: '/api/v1/connections?limit=500' });
    expect(theirs.json<{ items: View[] }>().items).toEqual([]);
  });

  it('filters by name or label', async () => {
    const res = await call({ method: 'GET', url: '/api/v1/connections?q=BLU' });
    expect(res.json<{ items: View[] }>().items.map((c) => c.name)).toEqual(['beta']);
  });

  it('refuses a cursor it did not hand out', async () => {
    const res = await call({ method: 'GET', url: '/api/v1/connections?cursor=bm9wZQ' });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'AZDO_STORE_CURSOR_INVALID' });
  });

  it('shows one connection by id or by name', async () => {
    const byName = await call({ method: 'GET', url: '/api/v1/connections/Prod' });
    expect(byName.statusCode).toBe(200);
    const byId = await call({ method: 'GET', url: `/api/v1/connections/${byName.json<View>().id}` });
    expect(byId.json()).toEqual(byName.json());
  });

  it('answers 404 for a connection that does not exist', async () => {
    const res = await call({ method: 'GET', url: '/api/v1/connections/nope' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ code: 'AZDO_CONNECTION_NOT_FOUND' });
  });
});

describe('editing', () => {
  it('changes what is given, keeps the rest, and refuses an edit of a stale version', async () => {
    const current = (await call({ method: 'GET', url: '/api/v1/connections/alpha' })).json<View>();
    const edited = await call({ method: 'PATCH', url: '/api/v1/connections/alpha', payload: { description: 'Production', version: current.version } });
    expect(edited.statusCode).toBe(200);
    expect(edited.json()).toMatchObject({ description: 'Production', version: current.version + 1, credential: current.credential });
    const stale = await call({ method: 'PATCH', url: '/api/v1/connections/alpha', payload: { description: 'Lost', version: current.version } });
    expect(stale.statusCode).toBe(409);
    expect(stale.json()).toMatchObject({ code: 'AZDO_STORE_CONFLICT' });
    expect((await call({ method: 'GET', url: '/api/v1/connections/alpha' })).json()).toMatchObject({ description: 'Production' });
  });
});

describe('clearing', () => {
  it('clears an optional field sent as null (a PAT expiry), instead of reading null as text', async () => {
    const add = await call({
      method: 'POST',
      url: '/api/v1/connections',
      payload: { name: 'expiring', url: fabrikam, credential: { type: 'pat', token: w.pat!, expiresAt: '2099-01-01' } },
    });
    expect(add.statusCode).toBe(201);
    expect(add.json<View>().credential).toMatchObject({ expiresAt: expect.stringContaining('2099-01-01') });
    const cleared = await call({ method: 'PATCH', url: '/api/v1/connections/expiring', payload: { credential: { type: 'pat', token: w.pat!, expiresAt: null } } });
    expect(cleared.statusCode).toBe(200);
    expect(cleared.json<View>().credential).not.toHaveProperty('expiresAt');
  });
});

describe('testing', () => {
  it('streams each check as NDJSON, in order, then the result', async () => {
    const res = await call({ method: 'POST', url: '/api/v1/connections/prod/test', headers: { accept: 'application/x-ndjson' } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('application/x-ndjson');
    expect(res.headers['cache-control']).toBe('no-store');
    const lines = res.body.trimEnd().split('\n').map((l) => JSON.parse(l) as { type: string; check?: { id: string }; result?: { ok: boolean; checks: Array<{ id: string }> } });
    const last = lines.at(-1)!;
    expect(last.type).toBe('result');
    expect(last.result!.ok).toBe(true);
    const streamed = lines.slice(0, -1);
    expect(streamed.every((l) => l.type === 'check')).toBe(true);
    expect(streamed.map((l) => l.check!.id)).toEqual(last.result!.checks.map((c) => c.id));
    expect(streamed.length).toBeGreaterThan(2);
  });

  it('records the result: the connection shows it passed, with the report', async () => {
    const view = (await call({ method: 'GET', url: '/api/v1/connections/prod' })).json<View>();
    expect(view.status).toMatchObject({ lastTest: 'passed', lastTestOk: true, lastTestAt: expect.any(String) });
    expect(view.status.lastTestResult?.checks.length).toBeGreaterThan(2);
    const listed = (await call({ method: 'GET', url: '/api/v1/connections?q=prod' })).json<{ items: View[] }>().items[0]!;
    expect(listed.status.lastTest).toBe('passed');
    expect(listed.status).not.toHaveProperty('lastTestResult');
  });

  it('fails with the failing check\'s code and hint when the token is wrong', async () => {
    const wrong = wrongPat();
    secrets.push(wrong);
    const edit = await call({ method: 'PATCH', url: '/api/v1/connections/gamma', payload: { credential: { type: 'pat', token: wrong } } });
    expect(edit.statusCode, edit.body).toBe(200);
    const res = await call({ method: 'POST', url: '/api/v1/connections/gamma/test', payload: {} });
    expect(res.statusCode).toBe(200);
    const result = res.json<{ ok: boolean; checks: Array<{ status: string; code: string; hint?: string }>; connection: View }>();
    expect(result.ok).toBe(false);
    const failed = result.checks.find((c) => c.status === 'fail')!;
    expect(failed.code).toMatch(/^AZDO_/);
    expect(failed.hint).toBeTruthy();
    expect(result.connection.status.lastTest).toBe('failed');
  });

  it('asks before pinning a Server\'s SSH host key, and pins the one confirmed', async () => {
    const generated = await call({ method: 'POST', url: '/api/v1/ssh-keys', payload: { comment: 'server' } }, false);
    const pair = generated.json<{ privateKey: string; publicKey: string }>();
    secrets.push(...pair.privateKey.split('\n').filter((l) => l.length > 40));
    const alice = w.sim!.ready.users.find((u) => u.name === 'alice@example.com')!;
    await w.sim!.control.addSshKey({ user: alice.id, publicKey: pair.publicKey });
    await add({ name: 'onprem-ssh', url: `${w.sim!.url}/DefaultCollection`, credential: { type: 'ssh', privateKey: pair.privateKey }, ssh: { port: w.sim!.sshPort } });

    const first = (await call({ method: 'POST', url: '/api/v1/connections/onprem-ssh/test' })).json<{ ok: boolean; unconfirmedHostKey?: { fingerprint: string } }>();
    expect(first.unconfirmedHostKey?.fingerprint).toBe(w.sim!.sshHostKeyFingerprint);

    const wrong = (await call({ method: 'POST', url: '/api/v1/connections/onprem-ssh/test', payload: { confirmHostKey: 'SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' } })).json();
    expect(wrong).toMatchObject({ ok: false, hostKeyMismatch: { seen: w.sim!.sshHostKeyFingerprint } });

    const res = await call({
      method: 'POST',
      url: '/api/v1/connections/onprem-ssh/test',
      headers: { accept: 'application/x-ndjson' },
      payload: { confirmHostKey: w.sim!.sshHostKeyFingerprint },
    });
    const lines = res.body.trimEnd().split('\n').map((l) => JSON.parse(l) as { type: string; result?: { ok: boolean; pinnedHostKey?: { fingerprint: string } } });
    expect(lines.map((l) => l.type)).toContain('hostKeyPinned');
    expect(lines.at(-1)!.result).toMatchObject({ ok: true, pinnedHostKey: { fingerprint: w.sim!.sshHostKeyFingerprint } });
    const view = (await call({ method: 'GET', url: '/api/v1/connections/onprem-ssh' })).json<View>();
    expect(view.ssh.knownHosts).toMatch(new RegExp(`^\\[127\\.0\\.0\\.1\\]:${w.sim!.sshPort} ssh-rsa AAAA`));
  });
});

describe('generating an SSH key', () => {
  it('returns a new RSA key pair once, uncached, and stores nothing', async () => {
    const secretRows = async () => (await w.ctx.store.db.selectFrom('secrets').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n;
    const before = Number(await secretRows());
    const res = await call({ method: 'POST', url: '/api/v1/ssh-keys' }, false);
    expect(res.statusCode).toBe(201);
    expect(res.headers['cache-control']).toBe('no-store');
    const pair = res.json<{ publicKey: string; privateKey: string; fingerprint: string; bits: number; expiresAt: string }>();
    const key = sshpk.parsePrivateKey(pair.privateKey, 'openssh');
    expect(key.type).toBe('rsa');
    expect(key.size).toBe(4096);
    expect(key.fingerprint('sha256').toString()).toBe(pair.fingerprint);
    expect(pair.publicKey).toMatch(/^ssh-rsa AAAA\S+ azdo-connect$/);
    expect(Date.parse(pair.expiresAt) - Date.now()).toBeGreaterThan(364 * 86_400_000);
    expect(Number(await secretRows())).toBe(before);
  });
});

describe('removing', () => {
  it('says what stops working', async () => {
    const res = await call({ method: 'GET', url: '/api/v1/connections/beta/removal-impact' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      connection: { name: 'beta' },
      credentialType: 'pat',
      consequence: expect.stringContaining('PAT itself stays valid'),
      selection: { mode: 'all', selectedRepositories: null },
      mirrors: { count: 0, diskBytes: 0 },
      jobs: { queued: 0, running: 0 },
    });
  });

  it('refuses without the connection\'s name in confirm, or with another name', async () => {
    for (const url of ['/api/v1/connections/beta', '/api/v1/connections/beta?confirm=alpha']) {
      const res = await call({ method: 'DELETE', url });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ code: 'AZDO_CONNECTION_REMOVE_UNCONFIRMED', field: 'confirm' });
    }
    expect(await names()).toContain('beta');
  });

  it('removes it when confirmed', async () => {
    const res = await call({ method: 'DELETE', url: '/api/v1/connections/beta?confirm=beta' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ removed: { name: 'beta' }, mirrorsRemoved: 0, jobsCancelled: 0 });
    expect((await call({ method: 'GET', url: '/api/v1/connections/beta' })).statusCode).toBe(404);
  });
});

describe('who may do what', () => {
  it('lets a read-only token list and resolve, but not add', async () => {
    const reader = await w.token('read');
    const list = await w.request(reader, { method: 'GET', url: '/api/v1/connections' });
    seen.push(list);
    expect(list.statusCode).toBe(200);
    expect(list.json<{ items: View[] }>().items.length).toBeGreaterThan(0);
    const added = await w.request(reader, { method: 'POST', url: '/api/v1/connections', payload: { name: 'by-reader', url: fabrikam, credential: { type: 'pat', token: w.pat } } });
    expect(added.statusCode).toBe(403);
    const resolved = await w.request(reader, { method: 'POST', url: '/api/v1/resolve', payload: { url: `${fabrikam}/Fabrikam%20Fiber/_git/web`, connection: 'prod' } });
    seen.push(resolved);
    expect(resolved.statusCode, resolved.body).toBe(200);
  });

  it('shows another workspace none of these connections', async () => {
    const created = await call({ method: 'POST', url: '/api/v1/workspaces', payload: { name: 'Other team' } });
    expect(created.statusCode, created.body).toBe(201);
    const other = await w.token('write', { workspaceId: created.json<{ id: string }>().id });
    const list = await w.request(other, { method: 'GET', url: '/api/v1/connections' });
    expect(list.json()).toEqual({ items: [], nextCursor: null });
    expect((await w.request(other, { method: 'GET', url: '/api/v1/connections/prod' })).statusCode).toBe(404);
    expect((await w.request(other, { method: 'GET', url: '/api/v1/connections/prod/removal-impact' })).statusCode).toBe(404);
    expect((await w.request(other, { method: 'DELETE', url: '/api/v1/connections/prod?confirm=prod' })).statusCode).toBe(404);
  });
});

describe('secrets', () => {
  it('appear in no response body or header of the whole walk', () => {
    expect(seen.length).toBeGreaterThan(30);
    expect(secrets.length).toBeGreaterThan(4);
    for (const res of seen) {
      const text = `${JSON.stringify(res.headers)}\n${res.body}`;
      for (const secret of secrets) expect(text.includes(secret), `a response contained a secret: ${text.slice(0, 200)}`).toBe(false);
      expect(text).not.toContain('PRIVATE KEY');
    }
  });
});
