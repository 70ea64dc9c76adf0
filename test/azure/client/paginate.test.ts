import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../../simulator/index.js';
import { AzdoClient, patAuth } from '../../../src/azure/client/index.js';
import { apiError, json, requestLog, startLocalServer, type LocalServer } from './client-helpers.js';

// Both kinds of Azure DevOps paging (FACTS §2.2), against a simulator whose pages hold 2 items.
describe('AzdoClient paging', () => {
  let sim: RunningSimulator;
  let client: AzdoClient;
  let server: LocalServer;
  const projects = ['Alpha', 'Bravo', 'Charlie', 'Delta', 'Echo'];

  beforeAll(async () => {
    sim = await startSimulator({ seed: 'empty', pageSize: 2 });
    const c = sim.control;
    await c.createHost({ name: 'fabrikam' });
    for (const name of projects) await c.createProject('fabrikam', { name });
    const alice = await c.createUser({ uniqueName: 'alice@example.com', hosts: ['fabrikam'] });
    await c.createRepository('fabrikam', 'Alpha', { name: 'web' });
    await c.pushCommits({
      host: 'fabrikam',
      project: 'Alpha',
      repository: 'web',
      branch: 'main',
      commits: Array.from({ length: 7 }, (_, i) => ({ message: `commit ${i + 1}`, changes: [{ changeType: 'add' as const, path: `/f${i}.txt`, content: Buffer.from(String(i)) }] })),
    });
    client = new AzdoClient({ baseUrl: `${sim.url}/fabrikam`, auth: patAuth((await c.createPat({ user: alice.id })).token) });
    server = await startLocalServer((req, res) => {
      const path = req.url ?? '';
      if (path.startsWith('/org/_apis/notalist')) json(res, 200, { count: 1, items: [] });
      else if (path.startsWith('/org/_apis/loop')) json(res, 200, { count: 1, value: [1] }, { 'x-ms-continuationtoken': 'same' });
      else if (path.startsWith('/org/_apis/bare')) json(res, 200, [1, 2, 3]);
      else json(res, 404, { message: 'unknown' });
    });
  });

  afterAll(async () => {
    client?.close();
    await server?.stop();
    await sim?.stop();
  });

  it('follows x-ms-continuationtoken across pages and unwraps {count, value}', async () => {
    const since = (await requestLog(sim)).lastSeq;
    const pages: string[][] = [];
    for await (const page of client.paginate<{ name: string }>('_apis/projects')) pages.push(page.map((p) => p.name));
    expect(pages).toEqual([['Alpha', 'Bravo'], ['Charlie', 'Delta'], ['Echo']]);
    const urls = (await requestLog(sim, since)).requests.map((r) => r.url);
    expect(urls).toEqual(['/fabrikam/_apis/projects', '/fabrikam/_apis/projects?continuationToken=2', '/fabrikam/_apis/projects?continuationToken=4']);
  });

  it('asks for a page size with $top when given one', async () => {
    const pages: number[] = [];
    for await (const page of client.paginate('_apis/projects', { pageSize: 3 })) pages.push(page.length);
    expect(pages).toEqual([3, 2]);
  });

  it('yields the items of every page one by one', async () => {
    const names: string[] = [];
    for await (const p of client.items<{ name: string }>('_apis/projects')) names.push(p.name);
    expect(names).toEqual(projects);
  });

  it('pages commits with searchCriteria.$top and $skip until a short page', async () => {
    const since = (await requestLog(sim)).lastSeq;
    const pages: string[][] = [];
    for await (const page of client.paginate<{ comment: string }>('Alpha/_apis/git/repositories/web/commits', {
      style: 'topSkip',
      pageSize: 3,
      topParam: 'searchCriteria.$top',
      skipParam: 'searchCriteria.$skip',
    })) {
      pages.push(page.map((c) => c.comment));
    }
    expect(pages.map((p) => p.length)).toEqual([3, 3, 1]);
    expect(pages.flat()).toEqual(['commit 7', 'commit 6', 'commit 5', 'commit 4', 'commit 3', 'commit 2', 'commit 1']);
    expect((await requestLog(sim, since)).requests).toHaveLength(3);
  });

  it('makes one more request when the last page is exactly full, and yields no empty page', async () => {
    const pages: number[] = [];
    for await (const page of client.paginate('_apis/projects', { style: 'topSkip', pageSize: 5 })) pages.push(page.length);
    expect(pages).toEqual([5]);
  });

  it('accepts a bare array as a page, and refuses a body that is not a list', async () => {
    const c = new AzdoClient({ baseUrl: `${server.url}/org`, retries: 0 });
    try {
      const all: number[] = [];
      for await (const n of c.items<number>('_apis/bare')) all.push(n);
      expect(all).toEqual([1, 2, 3]);
      await apiError(c.paginate('_apis/notalist').next(), 'AZDO_BAD_RESPONSE');
    } finally {
      c.close();
    }
  });

  it('stops a listing whose continuation token repeats instead of looping forever', async () => {
    const c = new AzdoClient({ baseUrl: `${server.url}/org`, retries: 0 });
    try {
      const seen: number[] = [];
      const e = await apiError(
        (async () => {
          for await (const page of c.paginate<number>('_apis/loop')) seen.push(page.length);
        })(),
        'AZDO_BAD_RESPONSE',
      );
      expect(e.message).toContain('same continuation token twice');
      expect(seen).toEqual([1, 1]);
    } finally {
      c.close();
    }
  });
});
