// Browsing through a connection against the demo simulator: Services (dev.azure.com pointed at the simulator) and a
// Server collection. Counts requests where the number of round-trips is the point.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  getFile,
  getPullRequestWithCommits,
  getTree,
  listBranches,
  listCommits,
  listPullRequests,
  listRepositories,
  listTags,
} from '../../src/repositories/browse-service.js';
import { resolveRepositoryArgument, type RepositoryTarget } from '../../src/repositories/repository-target.js';
import { rejection } from '../helpers/rejection.js';
import { repositoryWorld, type RepositoryWorld } from './repository-world.js';

let w: RepositoryWorld;
let web: RepositoryTarget;
let monorepo: RepositoryTarget;

const target = (project: string, repository: string, connection = 'fabrikam'): Promise<RepositoryTarget> =>
  resolveRepositoryArgument(w.connections, `${project}/${repository}`, { connection });

beforeAll(async () => {
  w = await repositoryWorld();
  web = await target('Fabrikam Fiber', 'web');
  monorepo = await target('Platform', 'monorepo');
}, 60_000);

afterAll(async () => {
  await w?.close();
});

describe('listing repositories', () => {
  it('lists every repository of the organization in exactly one request', async () => {
    const since = await w.lastSeq();
    const repositories = await listRepositories(w.connections, 'fabrikam');
    const requests = await w.requests(since);
    expect(requests.map((r) => `${r.method} ${r.url.split('?')[0]}`)).toEqual(['GET /fabrikam/_apis/git/repositories']);
    expect(repositories.map((r) => `${r.project.name}/${r.name}`)).toEqual([
      'Fabrikam Fiber/empty-repo',
      'Fabrikam Fiber/legacy',
      'Fabrikam Fiber/web',
      'Mobile/ios-app',
      'Platform/app-with-submodule',
      'Platform/monorepo',
      'Platform/shared-lib',
    ]);
  });

  it('shows empty and disabled repositories with their state instead of failing', async () => {
    const repositories = await listRepositories(w.connections, 'fabrikam');
    const state = Object.fromEntries(repositories.map((r) => [r.name, r.state]));
    expect(state).toMatchObject({ 'empty-repo': 'empty', legacy: 'disabled', web: 'ok', 'ios-app': 'ok' });
    expect(repositories.find((r) => r.name === 'empty-repo')?.defaultBranch).toBeUndefined();
    expect(repositories.find((r) => r.name === 'ios-app')?.defaultBranch).toBe('develop');
  });

  it('lists one project when asked', async () => {
    const repositories = await listRepositories(w.connections, 'fabrikam', { project: 'Platform' });
    expect(repositories.map((r) => r.name)).toEqual(['app-with-submodule', 'monorepo', 'shared-lib']);
  });

  it('lists a Server collection\'s repositories', async () => {
    const repositories = await listRepositories(w.connections, 'onprem');
    expect(repositories.map((r) => `${r.project.name}/${r.name}:${r.state}`)).toEqual(['Intranet/portal:ok']);
  });
});

describe('branches and tags', () => {
  it('lists branches with the default branch first', async () => {
    const branches = await listBranches(w.connections, web);
    expect(branches.map((b) => b.name)).toEqual(['main', 'experiment/dark-theme', 'feature/login', 'feature/search']);
    expect(branches[0]).toMatchObject({ ref: 'refs/heads/main', isDefault: true });
    expect(branches[0]?.commitId).toMatch(/^[0-9a-f]{40}$/);
  });

  it('lists no branches for an empty repository rather than failing', async () => {
    expect(await listBranches(w.connections, await target('Fabrikam Fiber', 'empty-repo'))).toEqual([]);
  });

  it('lists tags with the commit they point at', async () => {
    const [main] = await listBranches(w.connections, web);
    const response = await fetch(`${w.sim.url}/fabrikam/Fabrikam%20Fiber/_apis/git/repositories/web/refs?api-version=7.1`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`:${w.pat}`).toString('base64')}`, 'content-type': 'application/json' },
      body: JSON.stringify([{ name: 'refs/tags/v1.0', oldObjectId: '0'.repeat(40), newObjectId: main!.commitId }]),
    });
    expect(response.status).toBe(200);
    expect(await listTags(w.connections, web)).toEqual([{ name: 'v1.0', ref: 'refs/tags/v1.0', commitId: main!.commitId }]);
  });
});

describe('commits', () => {
  it('pages through a long history in requests of the asked size', async () => {
    const since = await w.lastSeq();
    const page = await listCommits(w.connections, monorepo, { top: 25, pageSize: 10 });
    const commitRequests = (await w.requests(since)).filter((r) => r.url.includes('/commits'));
    expect(page.commits).toHaveLength(25);
    expect(page.hasMore).toBe(true);
    expect(page.version).toEqual({ type: 'branch', value: 'main' });
    expect(commitRequests).toHaveLength(3);
    expect(page.commits[0]?.comment).toMatch(/\(#3000\)/);
    expect(page.commits[24]?.comment).toMatch(/\(#2976\)/);
    expect(new Set(page.commits.map((c) => c.commitId)).size).toBe(25);
  });

  it('continues where the last page ended with skip', async () => {
    const first = await listCommits(w.connections, monorepo, { top: 7, pageSize: 3 });
    const second = await listCommits(w.connections, monorepo, { top: 7, skip: 7, pageSize: 3 });
    const both = await listCommits(w.connections, monorepo, { top: 14 });
    expect([...first.commits, ...second.commits].map((c) => c.commitId)).toEqual(both.commits.map((c) => c.commitId));
  });

  it('filters by path and author across page boundaries', async () => {
    // The generator edits file k in commits k, k+20, ...; authors alternate alice, bob.
    const page = await listCommits(w.connections, monorepo, { path: '/src/module-1/file-001.txt', author: 'bob@example.com', top: 23, pageSize: 10 });
    expect(page.commits).toHaveLength(23);
    expect(page.hasMore).toBe(true);
    for (const c of page.commits) {
      expect(c.author?.email).toBe('bob@example.com');
      expect(Number(/\(#(\d+)\)/.exec(c.comment ?? '')?.[1]) % 20).toBe(2);
    }
  });

  it('filters by date range', async () => {
    const recent = (await listCommits(w.connections, monorepo, { top: 30 })).commits;
    const from = recent[24]!.author!.date!;
    const to = recent[4]!.author!.date!;
    const page = await listCommits(w.connections, monorepo, { fromDate: from, toDate: to, top: 100, pageSize: 8 });
    expect(page.commits.map((c) => c.commitId)).toEqual(recent.slice(4, 25).map((c) => c.commitId));
    expect(page.hasMore).toBe(false);
  });

  it('lists the commits of another branch', async () => {
    const page = await listCommits(w.connections, web, { branch: 'feature/login' });
    expect(page.commits[0]?.comment).toBe('Add a login form');
  });

  it('reports a branch that does not exist', async () => {
    const error = await rejection(listCommits(w.connections, web, { branch: 'no-such-branch' }));
    expect(error.code).toBe('AZDO_BRANCH_NOT_FOUND');
    expect(error.message).toContain('no-such-branch');
    expect(error.hint).toContain('repo branches');
  });

  it('reports an empty repository as empty', async () => {
    const error = await rejection(listCommits(w.connections, await target('Fabrikam Fiber', 'empty-repo')));
    expect(error.code).toBe('AZDO_REPOSITORY_EMPTY');
    expect(error.hint).toMatch(/first commit/i);
  });

  it('reports a disabled repository as disabled', async () => {
    const error = await rejection(listCommits(w.connections, await target('Fabrikam Fiber', 'legacy')));
    expect(error.code).toBe('AZDO_REPOSITORY_DISABLED');
    expect(error.hint).toContain('Project settings');
  });

  it('explains TF401019 for a repository that does not exist', async () => {
    const error = await rejection(listCommits(w.connections, await target('Fabrikam Fiber', 'nope')));
    expect(error.code).toBe('AZDO_REPOSITORY_NOT_FOUND');
    expect(error.message).toContain('TF401019');
    expect(error.hint).toMatch(/Code \(Read\)/);
    expect(error.hint).toMatch(/disabled/);
  });

  it('reports a project that does not exist as the repository not being found', async () => {
    const error = await rejection(listBranches(w.connections, await target('No Such Project', 'web')));
    expect(error.code).toBe('AZDO_REPOSITORY_NOT_FOUND');
  });
});

describe('pull requests', () => {
  it('lists active pull requests by default', async () => {
    const prs = await listPullRequests(w.connections, web);
    expect(prs.map((p) => [p.pullRequestId, p.status, p.title])).toEqual([[1, 'active', 'Add a login form']]);
  });

  it('lists pull requests by status', async () => {
    expect((await listPullRequests(w.connections, web, { status: 'completed' })).map((p) => p.title)).toEqual(['Add search']);
    expect((await listPullRequests(w.connections, web, { status: 'abandoned' })).map((p) => p.title)).toEqual(['Dark theme (experiment)']);
    expect((await listPullRequests(w.connections, web, { status: 'all' })).map((p) => p.pullRequestId).sort()).toEqual([1, 2, 3]);
  });

  it('returns one pull request with its commits', async () => {
    const { pullRequest, commits } = await getPullRequestWithCommits(w.connections, web, 1);
    expect(pullRequest).toMatchObject({ pullRequestId: 1, sourceRefName: 'refs/heads/feature/login', targetRefName: 'refs/heads/main', status: 'active' });
    expect(commits.map((c) => c.comment)).toEqual(['Add a login form']);
  });

  it('reports a pull request that does not exist', async () => {
    const error = await rejection(getPullRequestWithCommits(w.connections, web, 999));
    expect(error.code).toBe('AZDO_PULL_REQUEST_NOT_FOUND');
    expect(error.message).toContain('999');
  });

  it('does not show a pull request of another repository under this one', async () => {
    const error = await rejection(getPullRequestWithCommits(w.connections, await target('Fabrikam Fiber', 'empty-repo'), 1));
    expect(error.code).toBe('AZDO_PULL_REQUEST_NOT_FOUND');
  });
});

describe('trees and files', () => {
  it('lists the root of the default branch', async () => {
    const tree = await getTree(w.connections, web);
    expect(tree.version).toEqual({ type: 'branch', value: 'main' });
    expect(tree.entries.map((e) => `${e.path}:${e.type}`)).toEqual(['/README.md:file', '/package.json:file', '/src:folder']);
  });

  it('lists a folder at another branch, recursively', async () => {
    const tree = await getTree(w.connections, web, { path: '/src', version: { type: 'branch', value: 'feature/login' }, recursive: true });
    expect(tree.entries.map((e) => e.path)).toContain('/src/login.html');
    const onMain = await getTree(w.connections, web, { path: '/src' });
    expect(onMain.entries.map((e) => e.path)).not.toContain('/src/login.html');
  });

  it('shows a submodule as a submodule', async () => {
    const tree = await getTree(w.connections, await target('Platform', 'app-with-submodule'), { path: '/lib' });
    expect(tree.entries).toEqual([expect.objectContaining({ path: '/lib/shared', type: 'submodule' })]);
  });

  it('reads a file at a branch and at a commit', async () => {
    // feature/search was merged into main; feature/login branched off before it.
    const login = await getFile(w.connections, web, { path: '/src/index.html', version: { type: 'branch', value: 'feature/login' } });
    expect(login.content.toString('utf8')).not.toContain('search.html');
    const main = await getFile(w.connections, web, { path: '/src/index.html' });
    expect(main.content.toString('utf8')).toContain('search.html');
    const [first] = (await listCommits(w.connections, web, { path: '/src/index.html', top: 50 })).commits.slice(-1);
    const original = await getFile(w.connections, web, { path: '/README.md', version: { type: 'commit', value: first!.commitId } });
    expect(original.commitId).toBe(first!.commitId);
    expect(original.content.toString('utf8')).not.toContain('npm start');
  });

  it('reads a file of a Server collection', async () => {
    const file = await getFile(w.connections, await target('Intranet', 'portal', 'onprem'), { path: '/README.md' });
    expect(file.content.toString('utf8')).toContain('Hosted on Azure DevOps Server');
  });

  it('reports a path that does not exist, and a folder asked for as a file', async () => {
    const missing = await rejection(getFile(w.connections, web, { path: '/nope.txt' }));
    expect(missing.code).toBe('AZDO_PATH_NOT_FOUND');
    expect(missing.message).toContain('/nope.txt');
    const folder = await rejection(getFile(w.connections, web, { path: '/src' }));
    expect(folder.code).toBe('AZDO_PATH_IS_FOLDER');
  });

  it('reports a tree at a tag that does not exist', async () => {
    const error = await rejection(getTree(w.connections, web, { version: { type: 'tag', value: 'v9' } }));
    expect(error.code).toBe('AZDO_VERSION_NOT_FOUND');
  });
});
