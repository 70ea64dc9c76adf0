import fc from 'fast-check';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../simulator/index.js';
import { basic } from './helpers.js';

// The control API under /_simulator: building a world over HTTP, throttling, fault injection and the request log,
// with bad input answered by naming the field and changing nothing.
describe('simulator control API', () => {
  let sim: RunningSimulator;
  let token: string;

  beforeAll(async () => {
    sim = await startSimulator({ seed: 'empty' });
  });
  afterAll(async () => sim?.stop());

  const call = async (method: string, url: string, body?: unknown) => {
    const r = await fetch(`${sim.controlUrl}${url}`, {
      method,
      ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    });
    return { status: r.status, body: (await r.json()) as Record<string, unknown> };
  };
  const azdo = (url: string) => fetch(`${sim.url}${url}`, { headers: { authorization: basic(token), 'x-tfs-fedauthredirect': 'Suppress' } });

  it('builds an organization, a user, a PAT, a project, a repository and commits', async () => {
    expect((await call('POST', '/organizations', { name: 'fabrikam' })).status).toBe(201);
    const user = await call('POST', '/users', { uniqueName: 'alice@example.com', hosts: ['fabrikam'] });
    expect(user.status).toBe(201);
    const pat = await call('POST', `/users/${String(user.body['id'])}/pats`, { scope: 'app_token' });
    expect(pat.status).toBe(201);
    expect(pat.body).not.toHaveProperty('tokenHash');
    token = String(pat.body['token']);
    expect((await call('POST', '/hosts/fabrikam/projects', { name: 'Fiber Web' })).status).toBe(201);
    expect((await call('POST', '/hosts/fabrikam/projects/Fiber%20Web/repositories', { name: 'web' })).status).toBe(201);
    const push = await call('POST', '/hosts/fabrikam/projects/Fiber%20Web/repositories/web/pushes', {
      branch: 'main',
      commits: [{ message: 'add readme', files: { '/README.md': '# hi\n' } }, { message: 'edit readme', files: { '/README.md': '# hello\n' } }],
    });
    expect(push.status, JSON.stringify(push.body)).toBe(201);
    expect(push.body['commitIds']).toHaveLength(2);
    expect((await azdo('/fabrikam/_apis/projects')).status).toBe(200);
  });

  it('names every wrong field at once and changes nothing', async () => {
    const before = sim.control.digest();
    const r = await call('POST', '/hosts/fabrikam/projects', { name: 42, visibility: 'secret', colour: 'red' });
    expect(r.status).toBe(400);
    const fields = (r.body['errors'] as Array<{ field: string }>).map((e) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['name', 'visibility', 'colour']));
    expect((await call('POST', '/organizations', { name: 'bad name!' })).body).toMatchObject({ field: 'name' });
    expect((await call('POST', '/users', { uniqueName: 'not-an-email' })).body).toMatchObject({ field: 'uniqueName' });
    expect((await call('POST', '/hosts/nowhere/projects', { name: 'x' })).status).toBe(404);
    expect((await call('POST', '/users/alice@example.com/ssh-keys', { publicKey: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB' })).body).toMatchObject({ field: 'publicKey' });
    expect(sim.control.digest()).toBe(before);
  });

  it('renames a repository, refusing a taken name with 409 and changing nothing', async () => {
    const repo = (name: string) => azdo(`/fabrikam/Fiber%20Web/_apis/git/repositories/${name}?api-version=7.1`);
    const id = ((await (await repo('web')).json()) as { id: string }).id;
    const renamed = await call('PATCH', '/hosts/fabrikam/projects/Fiber%20Web/repositories/web', { name: 'website' });
    expect(renamed.status, JSON.stringify(renamed.body)).toBe(200);
    expect(renamed.body).toMatchObject({ id, name: 'website' });
    expect((await repo('website')).status).toBe(200);
    expect((await repo('web')).status).toBe(404);

    await sim.control.createRepository('fabrikam', 'Fiber Web', { name: 'docs' });
    const before = sim.control.digest();
    expect(await call('PATCH', '/hosts/fabrikam/projects/Fiber%20Web/repositories/website', { name: 'Docs', isDisabled: true })).toMatchObject({
      status: 409,
      body: { field: 'name', message: expect.stringContaining('TF400948') },
    });
    expect((await call('PATCH', '/hosts/fabrikam/projects/Fiber%20Web/repositories/website', { name: 'a/b' })).body).toMatchObject({ field: 'name' });
    expect((await call('PATCH', '/hosts/fabrikam/projects/Fiber%20Web/repositories/website', {})).status).toBe(400);
    expect(sim.control.digest()).toBe(before);
    expect((await sim.control.renameRepository('fabrikam', 'Fiber Web', 'website', 'web')).id).toBe(id);
  });

  it('rejects malformed JSON with 400 and keeps serving', async () => {
    const r = await fetch(`${sim.controlUrl}/organizations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":' });
    expect(r.status).toBe(400);
    expect((await fetch(`${sim.controlUrl}/state`)).status).toBe(200);
  });

  it('throttles per identity with X-RateLimit headers, Retry-After on a 200, then 429 TF400733', async () => {
    expect((await call('PUT', '/throttling', { enabled: true, limit: 2, blockAt: 4, delaySeconds: 0.25 })).status).toBe(200);
    try {
      const first = await azdo('/fabrikam/_apis/projects');
      expect(first.headers.get('x-ratelimit-limit')).toBe('2');
      expect(first.headers.get('x-ratelimit-remaining')).toBe('1');
      expect(first.headers.get('x-ratelimit-delay')).toBeNull();
      await azdo('/fabrikam/_apis/projects');
      const delayed = await azdo('/fabrikam/_apis/projects');
      expect(delayed.status).toBe(200);
      expect(delayed.headers.get('x-ratelimit-delay')).toBe('0.250');
      expect(delayed.headers.get('retry-after')).toBe('1');
      expect(delayed.headers.get('x-ratelimit-remaining')).toBe('0');
      await azdo('/fabrikam/_apis/projects');
      const blocked = await azdo('/fabrikam/_apis/projects');
      expect(blocked.status).toBe(429);
      expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(((await blocked.json()) as Record<string, unknown>).message).toMatch(/^TF400733: The request has been canceled: Request was blocked due to exceeding usage of resource/);
    } finally {
      await call('PUT', '/throttling', { enabled: false });
    }
    expect((await azdo('/fabrikam/_apis/projects')).headers.get('x-ratelimit-limit')).toBeNull();
  });

  it('injects 5xx answers, latency and connection resets on matching routes, a set number of times', async () => {
    const fault = await call('POST', '/faults', { path: '/_apis/projects$', status: 503, times: 1 });
    expect(fault.status).toBe(201);
    expect((await azdo('/fabrikam/_apis/projects')).status).toBe(503);
    expect((await azdo('/fabrikam/_apis/projects')).status).toBe(200);
    await call('POST', '/faults', { path: '/_apis/projects$', reset: true, times: 1 });
    await expect(azdo('/fabrikam/_apis/projects')).rejects.toThrow();
    await call('POST', '/faults', { path: '/_apis/projects$', latencyMs: 300, times: 1 });
    const started = Date.now();
    expect((await azdo('/fabrikam/_apis/projects')).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect((await call('POST', '/faults', { path: '(' })).body).toMatchObject({ field: 'path' });
  });

  it('logs requests for tests to count', async () => {
    const { body } = await call('GET', '/requests');
    const since = Number(body['lastSeq']);
    await azdo('/fabrikam/_apis/projects?api-version=7.1');
    const after = await call('GET', `/requests?since=${since}`);
    const requests = after.body['requests'] as Array<{ url: string; status: number; identity?: string }>;
    expect(requests.some((r) => r.url === '/fabrikam/_apis/projects?api-version=7.1' && r.status === 200 && r.identity)).toBe(true);
  });

  it('never crashes on arbitrary paths, headers and bodies, and keeps its state file valid', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('GET', 'POST', 'PATCH', 'PUT', 'DELETE', 'OPTIONS', 'HEAD'),
        fc.array(fc.constantFrom('fabrikam', '_apis', 'projects', 'git', 'repositories', '_git', '_simulator', 'tfs', '%20', '%E0%A4%A', '..', 'x'), { maxLength: 6 }),
        fc.string({ maxLength: 200 }),
        fc.constantFrom('application/json', 'text/plain', 'application/json-patch+json', 'application/x-git-upload-pack-request'),
        fc.option(fc.string({ maxLength: 80 })),
        async (method, segments, body, contentType, auth) => {
          const init: RequestInit = { method, headers: { 'content-type': contentType, ...(auth === null ? {} : { authorization: auth.replace(/[^\x20-\x7e]/g, '') }) } };
          if (!['GET', 'HEAD', 'OPTIONS'].includes(method)) init.body = body;
          const r = await fetch(`${sim.url}/${segments.join('/')}`, init);
          await r.arrayBuffer();
          expect(r.status).toBeLessThan(500);
        },
      ),
      { numRuns: 150 },
    );
    expect((await fetch(`${sim.controlUrl}/state`)).status).toBe(200);
    JSON.parse(await readFile(path.join(sim.dataDir, 'state.json'), 'utf8'));
  });
});

describe('simulator control API: pull requests', () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await startSimulator({ seed: 'empty' });
    const c = sim.control;
    await c.createHost({ name: 'fabrikam' });
    await c.createUser({ uniqueName: 'alice@example.com', hosts: ['fabrikam'] });
    await c.createProject('fabrikam', { name: 'Web' });
    await c.createRepository('fabrikam', 'Web', { name: 'site' });
    const add = (p: string) => ({ message: p, changes: [{ changeType: 'add' as const, path: p, content: Buffer.from(p) }] });
    await c.pushCommits({ host: 'fabrikam', project: 'Web', repository: 'site', branch: 'main', commits: [add('/a')] });
    const main = await sim.context.repos.git(sim.context.store.state.hosts[0]!.projects[0]!.repositories[0]!).resolve('refs/heads/main');
    await fetch(`${sim.controlUrl}/hosts/fabrikam/projects/Web/repositories/site/pushes`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ branch: 'feature', commits: [{ message: 'b', files: { '/b': 'b' } }] }),
    });
    expect(main).toMatch(/^[0-9a-f]{40}$/);
  });
  afterAll(async () => sim?.stop());

  const post = async (url: string, body?: unknown) => {
    const r = await fetch(`${sim.controlUrl}/hosts/fabrikam/projects/Web/repositories/site/pullrequests${url}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body ?? {}),
    });
    return { status: r.status, body: (await r.json()) as Record<string, unknown> };
  };

  it('opens and completes a pull request, merging into the target branch', async () => {
    // feature was pushed without a parent on main: give it one by branching from main first.
    const opened = await post('', { sourceRefName: 'feature', targetRefName: 'main', title: 'Add b', createdBy: 'alice@example.com' });
    expect(opened.status, JSON.stringify(opened.body)).toBe(201);
    const id = Number(opened.body['pullRequestId']);
    const done = await post(`/${id}/complete`, { by: 'alice@example.com' });
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    expect(done.body).toMatchObject({ status: 'completed' });
  });

  it('explains a pull request that cannot be opened and changes nothing', async () => {
    const before = sim.control.digest();
    const r = await post('', { sourceRefName: 'nope', targetRefName: 'main', title: 'x', createdBy: 'alice@example.com' });
    expect(r.status).toBe(400);
    expect(r.body['field']).toBe('pullRequest');
    expect((await post('/999/complete', { by: 'alice@example.com' })).status).toBe(404);
    expect(sim.control.digest()).toBe(before);
  });
});
