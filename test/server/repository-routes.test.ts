// The repositories API against the demo simulator: projects, repositories and their selection, branches, commits (from
// Azure DevOps, then from the mirror a fetch job made), hiding commits, pull requests, trees, files, resolving URLs,
// and what removing the connection does to its mirrors.
import { access } from 'node:fs/promises';
import path from 'node:path';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Job } from '../../src/jobs/job-queue.js';
import { run } from '../simulator/helpers.js';
import { serviceWorld, type ServiceWorld } from './service-world.js';

let w: ServiceWorld;
let base: string;
const WEB = `Fabrikam${encodeURIComponent(' Fiber/')}web`;

const call = (o: InjectOptions): Promise<LightMyRequestResponse> => w.request(w.admin, o);
const get = (url: string): Promise<LightMyRequestResponse> => call({ method: 'GET', url });

interface Repository {
  id: string;
  name: string;
  project: { name: string };
  state: string;
  selected: boolean;
  defaultBranch?: string;
  webUrl?: string;
  mirror: { status: string; lastFetchedAt?: string } | null;
}
interface Commit {
  commitId: string;
  subject: string;
  hidden: boolean;
}
interface CommitPage {
  items: Commit[];
  nextCursor: string | null;
  source: string;
  ref: string;
}

async function ok<T>(res: LightMyRequestResponse, status = 200): Promise<T> {
  expect(res.statusCode, res.body).toBe(status);
  return res.json<T>();
}

async function all<T>(url: string, limit: number): Promise<{ items: T[]; pages: number }> {
  const items: T[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const sep = url.includes('?') ? '&' : '?';
    const page: { items: T[]; nextCursor: string | null } = await ok(await get(`${url}${sep}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`));
    items.push(...page.items);
    cursor = page.nextCursor;
    pages++;
  } while (cursor !== null);
  return { items, pages };
}

/**
 * A fast-import stream of a history whose order `git log` has to work out: on main, rounds in which two branches
 * fork, grow interleaved with main (one of them dated an hour in the past, as a skewed clock would), and are merged
 * back, some as an octopus; one round's second branch is never merged.
 */
function mergeHistory(): string {
  let out = '';
  let mark = 0;
  let t = 1_700_000_000;
  const commit = (ref: string, parents: number[], when: number, message: string): number => {
    mark += 1;
    out += `commit refs/heads/${ref}\nmark :${mark}\ncommitter Dev <dev@example.com> ${when} +0000\ndata ${message.length}\n${message}\n`;
    if (parents[0] !== undefined) out += `from :${parents[0]}\n`;
    for (const p of parents.slice(1)) out += `merge :${p}\n`;
    out += `M 644 inline file-${mark % 7}.txt\ndata ${message.length + 1}\n${message}\n\n`;
    return mark;
  };
  let main = commit('main', [], t, 'initial');
  for (let round = 0; round < 12; round++) {
    let a = main;
    let b = main;
    for (let i = 0; i < 5; i++) {
      main = commit('main', [main], (t += 60), `main ${round}.${i}`);
      a = commit('side-a', [a], (t += 60), `a ${round}.${i}`);
      b = commit('side-b', [b], t - 3600 + i, `b ${round}.${i}`);
    }
    if (round % 4 === 3) main = commit('main', [main, a, b], (t += 60), `octopus ${round}`);
    else {
      main = commit('main', [main, a], (t += 60), `merge a ${round}`);
      if (round !== 5) main = commit('main', [main, b], (t += 60), `merge b ${round}`);
    }
  }
  return out;
}

async function finished(job: Job): Promise<Job> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const now = await w.ctx.jobs.get(job.workspaceId, job.id);
    if (['succeeded', 'failed', 'cancelled'].includes(now.state)) return now;
    if (Date.now() > deadline) throw new Error(`job ${job.id} still ${now.state}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  w = await serviceWorld({ simulator: true });
  const res = await call({ method: 'POST', url: '/api/v1/connections', payload: { name: 'fab', url: 'https://dev.azure.com/fabrikam', credential: { type: 'pat', token: w.pat } } });
  expect(res.statusCode, res.body).toBe(201);
  base = `/api/v1/connections/${res.json<{ id: string }>().id}`;
}, 120_000);

afterAll(async () => {
  await w?.close();
});

describe('projects and repositories', () => {
  it('lists the projects, paged', async () => {
    const { items, pages } = await all<{ name: string }>(`${base}/projects`, 2);
    expect(items.map((p) => p.name)).toEqual(['Fabrikam Fiber', 'Mobile', 'Platform']);
    expect(pages).toBe(2);
  });

  it('lists every repository with its state, default branch, URL and selection, paged with a cursor', async () => {
    const { items, pages } = await all<Repository>(`${base}/repositories`, 3);
    expect(pages).toBe(3);
    expect(items.map((r) => `${r.project.name}/${r.name}`)).toEqual([
      'Fabrikam Fiber/empty-repo',
      'Fabrikam Fiber/legacy',
      'Fabrikam Fiber/web',
      'Mobile/ios-app',
      'Platform/app-with-submodule',
      'Platform/monorepo',
      'Platform/shared-lib',
    ]);
    expect(items.every((r) => r.selected && r.mirror === null)).toBe(true);
    expect(Object.fromEntries(items.map((r) => [r.name, r.state]))).toMatchObject({ 'empty-repo': 'empty', legacy: 'disabled', web: 'ok' });
    expect(items.find((r) => r.name === 'ios-app')?.defaultBranch).toBe('develop');
    expect(items.find((r) => r.name === 'web')?.webUrl).toMatch(/\/_git\/web$/);
  });

  it('shows one repository by id or by "project/name"', async () => {
    const byName = await ok<Repository>(await get(`${base}/repositories/${WEB}`));
    const byId = await ok<Repository>(await get(`${base}/repositories/${byName.id}`));
    expect(byId).toEqual(byName);
    expect(byName).toMatchObject({ name: 'web', defaultBranch: 'main', selected: true, mirror: null });
  });

  it('says what is wrong with a repository that does not exist or is named oddly', async () => {
    expect((await get(`${base}/repositories/${encodeURIComponent('Platform/nope')}`)).json()).toMatchObject({ status: 404, code: 'AZDO_REPOSITORY_NOT_FOUND' });
    expect((await get(`${base}/repositories/justaname`)).json()).toMatchObject({ status: 400, code: 'AZDO_REPOSITORY_ARGUMENT_INVALID', field: 'repo' });
  });
});

describe('selection', () => {
  it('in list mode hides every other repository, which then cannot be read', async () => {
    const set = await ok<{ mode: string; repositories: Array<{ project: string; name: string }> }>(
      await call({ method: 'PUT', url: `${base}/selection`, payload: { mode: 'list', repositories: ['Fabrikam Fiber/web', 'Platform/shared-lib'] } }),
    );
    expect(set.mode).toBe('list');
    expect(set.repositories.map((r) => `${r.project}/${r.name}`)).toEqual(['Fabrikam Fiber/web', 'Platform/shared-lib']);
    expect((await ok<{ items: Repository[] }>(await get(`${base}/repositories`))).items.map((r) => r.name)).toEqual(['web', 'shared-lib']);
    const everything = (await ok<{ items: Repository[] }>(await get(`${base}/repositories?includeUnselected=true`))).items;
    expect(everything.filter((r) => r.selected).map((r) => r.name)).toEqual(['web', 'shared-lib']);
    expect(everything).toHaveLength(7);
    const hidden = await get(`${base}/repositories/${encodeURIComponent('Platform/monorepo')}/branches`);
    expect(hidden.statusCode).toBe(409);
    expect(hidden.json()).toMatchObject({ code: 'AZDO_REPOSITORY_NOT_SELECTED' });
  });

  it('adds and removes repositories, and goes back to all', async () => {
    const added = await ok<{ repositories: Array<{ name: string }> }>(await call({ method: 'POST', url: `${base}/selection/add`, payload: { repositories: ['Platform/monorepo'] } }));
    expect(added.repositories.map((r) => r.name).sort()).toEqual(['monorepo', 'shared-lib', 'web']);
    const removed = await ok<{ repositories: Array<{ name: string }> }>(await call({ method: 'POST', url: `${base}/selection/remove`, payload: { repositories: ['Platform/shared-lib'] } }));
    expect(removed.repositories.map((r) => r.name).sort()).toEqual(['monorepo', 'web']);
    expect(await ok(await call({ method: 'PUT', url: `${base}/selection`, payload: { mode: 'all' } }))).toEqual({ mode: 'all', repositories: [] });
  });

  it('refuses a list without its repositories', async () => {
    const res = await call({ method: 'PUT', url: `${base}/selection`, payload: { mode: 'list' } });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ field: 'repositories' });
  });
});

describe('branches, pull requests, trees and files', () => {
  it('lists branches with the default first', async () => {
    const page = await ok<{ items: Array<{ name: string; isDefault?: boolean; commitId: string }> }>(await get(`${base}/repositories/${WEB}/branches`));
    expect(page.items.map((b) => b.name)).toEqual(['main', 'experiment/dark-theme', 'feature/login', 'feature/search']);
    expect(page.items[0]).toMatchObject({ isDefault: true, commitId: expect.stringMatching(/^[0-9a-f]{40}$/) });
    expect((await ok<{ items: unknown[] }>(await get(`${base}/repositories/${WEB}/tags`))).items).toEqual([]);
  });

  it('lists pull requests by status, and shows one with its commits', async () => {
    const active = await ok<{ items: Array<{ pullRequestId: number; title: string; sourceBranch: string }> }>(await get(`${base}/repositories/${WEB}/pull-requests`));
    expect(active.items.map((p) => p.title)).toEqual(['Add a login form']);
    expect(active.items[0]?.sourceBranch).toBe('feature/login');
    const completed = await ok<{ items: Array<{ title: string; status: string }> }>(await get(`${base}/repositories/${WEB}/pull-requests?status=completed`));
    expect(completed.items).toEqual([expect.objectContaining({ title: 'Add search', status: 'completed' })]);
    expect((await ok<{ items: unknown[] }>(await get(`${base}/repositories/${WEB}/pull-requests?status=all`))).items).toHaveLength(3);

    const one = await ok<{ pullRequest: { title: string }; commits: Commit[] }>(await get(`${base}/repositories/${WEB}/pull-requests/${active.items[0]!.pullRequestId}`));
    expect(one.pullRequest.title).toBe('Add a login form');
    expect(one.commits.map((c) => c.subject)).toEqual(['Add a login form']);
    expect((await get(`${base}/repositories/${WEB}/pull-requests/9999`)).json()).toMatchObject({ status: 404, code: 'AZDO_PULL_REQUEST_NOT_FOUND' });
  });

  it('lists a tree and reads a file as JSON or raw bytes', async () => {
    const tree = await ok<{ entries: Array<{ path: string; type: string }> }>(await get(`${base}/repositories/${WEB}/tree`));
    expect(tree.entries).toEqual(expect.arrayContaining([{ path: '/README.md', type: 'file', objectId: expect.any(String) }, expect.objectContaining({ path: '/src', type: 'folder' })]));
    const src = await ok<{ entries: Array<{ path: string }> }>(await get(`${base}/repositories/${WEB}/tree?path=/src&ref=feature/login`));
    expect(src.entries.map((e) => e.path)).toContain('/src/login.html');

    const file = await ok<{ encoding: string; content: string; size: number }>(await get(`${base}/repositories/${WEB}/file?path=/README.md`));
    expect(file.encoding).toBe('utf8');
    expect(file.content).toContain('# Fabrikam Fiber web');
    const raw = await get(`${base}/repositories/${WEB}/file?path=/README.md&format=raw`);
    expect(raw.statusCode).toBe(200);
    expect(raw.headers['content-type']).toBe('application/octet-stream');
    expect(raw.headers['content-disposition']).toContain('README.md');
    expect(raw.headers['x-content-type-options']).toBe('nosniff');
    expect(raw.body).toBe(file.content);
    expect((await get(`${base}/repositories/${WEB}/file?path=/nope.txt`)).json()).toMatchObject({ status: 404, code: 'AZDO_PATH_NOT_FOUND' });
  });

  it('resolves the web URL of a pull request to it, with the connection', async () => {
    const [pr] = (await ok<{ items: Array<{ pullRequestId: number }> }>(await get(`${base}/repositories/${WEB}/pull-requests`))).items;
    const res = await call({ method: 'POST', url: '/api/v1/resolve', payload: { url: `https://dev.azure.com/fabrikam/Fabrikam%20Fiber/_git/web/pullrequest/${pr!.pullRequestId}` } });
    const resolved = await ok<{ type: string; connection: { id: string; name: string }; repository: Repository; pullRequest: { title: string }; commits: Commit[] }>(res);
    expect(resolved).toMatchObject({ type: 'pullRequest', connection: { id: base.split('/').pop(), name: 'fab' }, repository: { name: 'web' }, pullRequest: { title: 'Add a login form' } });
    expect(resolved.commits).toHaveLength(1);
  });
});

describe('commits', () => {
  let azure: CommitPage;

  it('come from Azure DevOps before the repository is fetched', async () => {
    azure = await ok<CommitPage>(await get(`${base}/repositories/${WEB}/commits`));
    expect(azure.source).toBe('azure');
    expect(azure.ref).toBe('main');
    // main: three commits, then the completed pull request merged with its two.
    expect(azure.items.map((c) => c.subject)).toEqual([
      'Merged PR 2: Add search',
      'Link search from the home page',
      'Add a search box',
      'Describe how to build',
      'Add the contact page',
      'Initial commit',
    ]);
    expect(azure.nextCursor).toBeNull();
  });

  it('page through a long history from Azure DevOps', async () => {
    const monorepo = encodeURIComponent('Platform/monorepo');
    const first = await ok<CommitPage>(await get(`${base}/repositories/${monorepo}/commits?limit=20`));
    const second = await ok<CommitPage>(await get(`${base}/repositories/${monorepo}/commits?limit=20&cursor=${encodeURIComponent(first.nextCursor!)}`));
    expect(first.items).toHaveLength(20);
    expect(second.items).toHaveLength(20);
    expect(new Set([...first.items, ...second.items].map((c) => c.commitId)).size).toBe(40);
  });

  it('come from the mirror once a fetch job has made it, paged with a cursor', async () => {
    const queued = await ok<Job>(await call({ method: 'POST', url: `${base}/repositories/${WEB}/fetch` }), 202);
    expect(queued).toMatchObject({ kind: 'fetch', input: { repository: { project: 'Fabrikam Fiber', name: 'web' } } });
    const done = await finished(queued);
    expect(done.state, JSON.stringify(done.error)).toBe('succeeded');

    const mirror = await ok<{ status: string; lastFetchedAt?: string }>(await get(`${base}/repositories/${WEB}/mirror`));
    expect(mirror).toMatchObject({ status: 'ready', lastFetchedAt: expect.any(String) });
    const listed = (await ok<{ items: Repository[] }>(await get(`${base}/repositories?project=Fabrikam%20Fiber`))).items.find((r) => r.name === 'web');
    expect(listed?.mirror?.status).toBe('ready');

    const first = await ok<CommitPage>(await get(`${base}/repositories/${WEB}/commits?limit=2`));
    expect(first.source).toBe('mirror');
    expect(first.items).toHaveLength(2);
    const { items, pages } = await all<Commit>(`${base}/repositories/${WEB}/commits`, 4);
    expect(pages).toBe(2);
    expect(items.map((c) => c.commitId)).toEqual(azure.items.map((c) => c.commitId));
    expect(items.map((c) => c.subject)).toEqual(azure.items.map((c) => c.subject));
  });

  it('can be hidden and shown again; hidden ones are left out unless asked for', async () => {
    const initial = azure.items.find((c) => c.subject === 'Initial commit')!.commitId;
    const url = `${base}/repositories/${WEB}/commits/${initial}/hidden`;
    expect(await ok(await call({ method: 'PUT', url }))).toEqual({ commitId: initial, hidden: true, changed: true });
    expect(await ok(await call({ method: 'PUT', url }))).toMatchObject({ changed: false });

    const shown = await ok<CommitPage>(await get(`${base}/repositories/${WEB}/commits`));
    expect(shown.items.map((c) => c.commitId)).not.toContain(initial);
    const withHidden = await ok<CommitPage>(await get(`${base}/repositories/${WEB}/commits?includeHidden=true`));
    expect(withHidden.items.find((c) => c.commitId === initial)).toMatchObject({ hidden: true });
    // A path filter is Azure DevOps' to answer; hidden commits are left out there too.
    const readme = await ok<CommitPage>(await get(`${base}/repositories/${WEB}/commits?path=/README.md`));
    expect(readme.source).toBe('azure');
    expect(readme.items.map((c) => c.subject)).toEqual(['Describe how to build']);

    expect(await ok(await call({ method: 'DELETE', url }))).toEqual({ commitId: initial, hidden: false, changed: true });
    expect((await ok<CommitPage>(await get(`${base}/repositories/${WEB}/commits`))).items).toHaveLength(azure.items.length);
  });

  it('page through a branch with merges exactly as git rev-list orders it, without duplicates or gaps, hidden ones left out', async () => {
    const sim = w.sim!;
    await sim.control.createRepository('fabrikam', 'Fabrikam Fiber', { name: 'merges' });
    const { repository } = sim.control.repository('fabrikam', 'Fabrikam Fiber', 'merges');
    const made = await sim.context.repos.git(repository).git(['fast-import', '--quiet'], { input: mergeHistory() });
    expect(made.exitCode, made.stderr).toBe(0);
    sim.context.repos.invalidate(repository.id);
    const revList = async (): Promise<string[]> =>
      (await run('git', ['--git-dir', sim.context.repos.pathOf(repository), 'rev-list', 'refs/heads/main'])).stdout.split('\n').filter(Boolean);
    const expected = await revList();
    expect(expected.length).toBeGreaterThan(150);

    const merges = encodeURIComponent('Fabrikam Fiber/merges');
    const done = await finished(await ok<Job>(await call({ method: 'POST', url: `${base}/repositories/${merges}/fetch` }), 202));
    expect(done.state, JSON.stringify(done.error)).toBe('succeeded');
    const url = `${base}/repositories/${merges}/commits`;
    const { items, pages } = await all<Commit>(url, 7);
    expect((await ok<CommitPage>(await get(url))).source).toBe('mirror');
    expect(pages).toBe(Math.ceil(expected.length / 7));
    expect(items.map((c) => c.commitId)).toEqual(expected);

    // Hidden: a merge, a commit of a merged branch and the tip; the rest keeps its order across the pages.
    const hide = [expected[0]!, expected[10]!, expected[expected.length - 40]!];
    for (const id of hide) await ok(await call({ method: 'PUT', url: `${url}/${id}/hidden` }));
    const visible = await all<Commit>(url, 7);
    expect(visible.items.map((c) => c.commitId)).toEqual(expected.filter((id) => !hide.includes(id)));
    const everything = await all<Commit>(`${url}?includeHidden=true`, 7);
    expect(everything.items.map((c) => c.commitId)).toEqual(expected);
    expect(everything.items.filter((c) => c.hidden).map((c) => c.commitId).sort()).toEqual([...hide].sort());
  });

  it('refuses what is not a commit id', async () => {
    const res = await call({ method: 'PUT', url: `${base}/repositories/${WEB}/commits/xyz/hidden` });
    expect(res.statusCode).toBe(400);
  });
});

describe('snapshots and removal', () => {
  it('queues a snapshot job for a ref', async () => {
    const queued = await ok<Job>(await call({ method: 'POST', url: `${base}/repositories/${WEB}/snapshots`, payload: { ref: 'feature/login' } }), 202);
    expect(queued).toMatchObject({ kind: 'snapshot', input: { ref: 'feature/login', repository: { name: 'web' } } });
    expect((await finished(queued)).state).toBe('succeeded');
  });

  it('removes the connection\'s mirrors from disk with it', async () => {
    const impact = await ok<{ mirrors: { count: number; diskBytes: number } }>(await get(`${base}/removal-impact`));
    // web's, and the one the paging test made.
    expect(impact.mirrors.count).toBe(2);
    expect(impact.mirrors.diskBytes).toBeGreaterThan(0);
    const id = base.split('/').pop()!;
    const dir = path.join(w.ctx.config.dataDir, 'mirrors', id);
    await access(dir);
    expect(await ok(await call({ method: 'DELETE', url: `${base}?confirm=fab` }))).toMatchObject({ mirrorsRemoved: 2 });
    await expect(access(dir)).rejects.toThrow();
  });
});
