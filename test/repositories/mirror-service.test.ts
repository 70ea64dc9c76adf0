// Mirrors through stored connections: which mirror a repository argument means, what a fetch records, commits
// listed from the mirror (paged, fast, hidden ones left out), and a mirror ready for snapshots.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureMirror, fetchRepository, hideCommit, listMirrorCommits, mirrorInfo, unhideCommit } from '../../src/repositories/mirror-service.js';
import { resolveRepositoryArgument, type RepositoryTarget } from '../../src/repositories/repository-target.js';
import { selectRepositories } from '../../src/repositories/selection.js';
import { fsck, generate, mirrorWorld, PROJECT, refsOf, repoDir, type MirrorWorld, type Mode } from '../git/mirror-world.js';
import { rejection } from '../helpers/rejection.js';
import { run } from '../simulator/helpers.js';

let w: MirrorWorld;

beforeAll(async () => {
  w = await mirrorWorld();
  for (const mode of ['services', 'server'] as const) await w.push(mode, 'web', 5);
});
afterAll(async () => {
  await w?.close();
});

function target(mode: Mode, transport: 'https' | 'ssh', repository = 'web'): Promise<RepositoryTarget> {
  return resolveRepositoryArgument(w.connections, `${PROJECT}/${repository}`, { connection: w.connectionName(mode, transport) });
}

function simRepositoryId(mode: Mode, repository: string): string {
  const host = w.sim.context.store.state.hosts.find((h) => h.name === (mode === 'services' ? 'fabrikam' : 'DefaultCollection'))!;
  return host.projects.find((p) => p.name === PROJECT)!.repositories.find((r) => r.name === repository)!.id;
}

const opts = () => ({ dataDir: w.dataDir, sleep: async () => undefined });

describe('fetchRepository', () => {
  it.each(['services', 'server'] as const)('keeps a %s mirror under the repository id and records when it was fetched', async (mode) => {
    const t = await target(mode, 'https');
    expect(await mirrorInfo(w.connections, t, opts())).toBeUndefined();
    const before = Date.now();
    const result = await fetchRepository(w.connections, t, opts());
    const id = simRepositoryId(mode, 'web').toLowerCase();
    expect(result.mirror).toMatchObject({ repositoryId: id, status: 'ready', project: PROJECT, name: 'web', connection: w.connectionName(mode, 'https') });
    expect(result.mirror.path).toBe(path.join(w.dataDir, 'mirrors', t.connection.id, `${id}.git`));
    expect(Date.parse(result.mirror.lastFetchedAt!)).toBeGreaterThanOrEqual(before - 1000);
    expect(await refsOf(result.mirror.path)).toEqual(await refsOf(repoDir(w.sim, mode, 'web')));

    await w.push(mode, 'web', 1);
    const again = await fetchRepository(w.connections, t, opts());
    expect(again.created).toBe(false);
    expect(Date.parse(again.mirror.lastFetchedAt!)).toBeGreaterThanOrEqual(Date.parse(result.mirror.lastFetchedAt!));
    expect(await mirrorInfo(w.connections, t, opts())).toEqual(again.mirror);
  });

  it('over SSH alone keys the mirror by the names, since no REST request can give the id', async () => {
    const t = await target('services', 'ssh');
    const result = await fetchRepository(w.connections, t, opts());
    expect(result.mirror.repositoryId).toMatch(/^name-[0-9a-f]{32}$/);
    expect((await fsck(result.mirror.path)).code).toBe(0);
    // Names are compared without regard to case, as Azure DevOps does.
    const shouting = await resolveRepositoryArgument(w.connections, `${PROJECT.toUpperCase()}/WEB`, { connection: w.connectionName('services', 'ssh') });
    expect((await mirrorInfo(w.connections, shouting, opts()))?.repositoryId).toBe(result.mirror.repositoryId);
  });

  it('records an empty repository as empty, not as an error', async () => {
    const result = await fetchRepository(w.connections, await target('server', 'https', 'empty-repo'), opts());
    expect(result).toMatchObject({ empty: true, mirror: { status: 'empty' } });
  });

  it('refuses a disabled repository with AZDO_REPOSITORY_DISABLED before running git', async () => {
    const error = await rejection(fetchRepository(w.connections, await target('services', 'https', 'legacy'), opts()));
    expect(error.code).toBe('AZDO_REPOSITORY_DISABLED');
    expect(error.hint).toMatch(/enable it again/);
  });

  it('tells a disabled repository apart once git answers TF401019 for a mirror that exists', async () => {
    const t = await target('server', 'https', 'legacy');
    await w.sim.control.setRepositoryDisabled('DefaultCollection', PROJECT, 'legacy', false);
    await w.push('server', 'legacy', 1);
    await fetchRepository(w.connections, t, opts());
    await w.sim.control.setRepositoryDisabled('DefaultCollection', PROJECT, 'legacy', true);
    const error = await rejection(fetchRepository(w.connections, t, opts()));
    expect(error.code).toBe('AZDO_REPOSITORY_DISABLED');
    const recorded = await mirrorInfo(w.connections, t, opts());
    expect(recorded).toMatchObject({ status: 'ready', lastError: { code: 'AZDO_REPOSITORY_DISABLED' } });
    expect(recorded?.lastFetchedAt).toBeDefined();
  });

  it('reports an unknown repository as AZDO_REPOSITORY_NOT_FOUND, over SSH too', async () => {
    for (const transport of ['https', 'ssh'] as const) {
      const error = await rejection(fetchRepository(w.connections, await target('server', transport, 'no-such-repo'), opts()));
      expect(error.code).toBe('AZDO_REPOSITORY_NOT_FOUND');
    }
  });

  it('records a failed fetch and clears the error after the next success', async () => {
    const t = await target('services', 'https');
    await w.fault({ path: 'git-upload-pack', status: 503, times: 1 });
    await w.push('services', 'web', 1);
    const error = await rejection(fetchRepository(w.connections, t, { ...opts(), retries: 0 }));
    expect(error.code).toBe('AZDO_GIT_UNREACHABLE');
    expect((await mirrorInfo(w.connections, t, opts()))?.lastError?.code).toBe('AZDO_GIT_UNREACHABLE');
    await fetchRepository(w.connections, t, opts());
    expect((await mirrorInfo(w.connections, t, opts()))?.lastError).toBeUndefined();
  });

  it('fetches only repositories selected for the connection', async () => {
    const name = w.connectionName('server', 'https');
    await selectRepositories(w.connections, name, { repositories: [`${PROJECT}/web`] });
    try {
      const error = await rejection(fetchRepository(w.connections, await target('server', 'https', 'empty-repo'), opts()));
      expect(error.code).toBe('AZDO_REPOSITORY_NOT_SELECTED');
      expect((await fetchRepository(w.connections, await target('server', 'https'), opts())).mirror.status).toBe('ready');
    } finally {
      await selectRepositories(w.connections, name, { all: true });
    }
  });
});

describe('listMirrorCommits', () => {
  it('lists a branch newest first, paged, with the last fetched time', async () => {
    const t = await target('server', 'ssh');
    const all = await listMirrorCommits(w.connections, t, { ...opts(), top: 1000 });
    expect(all.ref).toBe('main');
    expect(all.empty).toBe(false);
    expect(all.lastFetchedAt).toBeDefined();
    const upstream = (await refsOf(repoDir(w.sim, 'server', 'web')))['refs/heads/main'];
    expect(all.commits[0]!.commitId).toBe(upstream);
    expect(all.commits.at(-1)!.parents).toEqual([]);
    const page = await listMirrorCommits(w.connections, t, { ...opts(), top: 2, skip: 1 });
    expect(page.commits.map((c) => c.commitId)).toEqual(all.commits.slice(1, 3).map((c) => c.commitId));
    expect(page.hasMore).toBe(true);
    expect(page.commits[0]).toMatchObject({ hidden: false, author: { name: expect.any(String), email: expect.any(String) } });
    expect(page.commits[0]!.subject).toMatch(/^commit \d+$/);
  });

  it('lists another branch, and names one that does not exist', async () => {
    await w.push('server', 'web', 2, { branch: 'feature/list' });
    const t = await target('server', 'https');
    await fetchRepository(w.connections, t, opts());
    const page = await listMirrorCommits(w.connections, t, { ...opts(), branch: 'feature/list', top: 2 });
    expect(page.ref).toBe('feature/list');
    expect(page.commits[0]!.commitId).toBe((await refsOf(repoDir(w.sim, 'server', 'web')))['refs/heads/feature/list']);
    const error = await rejection(listMirrorCommits(w.connections, t, { ...opts(), branch: 'no-such-branch' }));
    expect(error.code).toBe('AZDO_BRANCH_NOT_FOUND');
  });

  it('gives an empty repository an empty page', async () => {
    const page = await listMirrorCommits(w.connections, await target('services', 'ssh', 'empty-repo'), opts());
    expect(page).toMatchObject({ commits: [], empty: true, hasMore: false });
  });

  it('hides commits from listings, keeps them, and shows them again', async () => {
    const t = await target('services', 'https');
    await fetchRepository(w.connections, t, opts());
    const before = await listMirrorCommits(w.connections, t, { ...opts(), top: 4 });
    const [first, second] = before.commits;
    const hidden = await hideCommit(w.connections, t, second!.commitId.slice(0, 8), opts());
    expect(hidden).toEqual({ commitId: second!.commitId, hidden: true, changed: true });
    expect((await hideCommit(w.connections, t, second!.commitId, opts())).changed).toBe(false);

    const after = await listMirrorCommits(w.connections, t, { ...opts(), top: 3 });
    expect(after.commits.map((c) => c.commitId)).toEqual([first!.commitId, ...before.commits.slice(2, 4).map((c) => c.commitId)]);
    const skipped = await listMirrorCommits(w.connections, t, { ...opts(), top: 1, skip: 1 });
    expect(skipped.commits[0]!.commitId).toBe(before.commits[2]!.commitId);
    const everything = await listMirrorCommits(w.connections, t, { ...opts(), top: 3, includeHidden: true });
    expect(everything.commits[1]).toMatchObject({ commitId: second!.commitId, hidden: true, hiddenAt: expect.any(String) });
    // Still in the mirror: git can read it.
    const mirrorPath = (await mirrorInfo(w.connections, t, opts()))!.path;
    expect((await run('git', ['--git-dir', mirrorPath, 'cat-file', '-t', second!.commitId])).stdout.trim()).toBe('commit');

    expect(await unhideCommit(w.connections, t, second!.commitId.slice(0, 6), opts())).toEqual({ commitId: second!.commitId, hidden: false, changed: true });
    expect((await listMirrorCommits(w.connections, t, { ...opts(), top: 4 })).commits).toEqual(before.commits);
  });

  it('refuses what is not a commit id, and a commit the repository does not have', async () => {
    const t = await target('services', 'https');
    expect((await rejection(hideCommit(w.connections, t, 'main; rm -rf /', opts()))).code).toBe('AZDO_COMMIT_ID_INVALID');
    expect((await rejection(hideCommit(w.connections, t, 'f'.repeat(40), opts()))).code).toBe('AZDO_VERSION_NOT_FOUND');
    expect((await rejection(listMirrorCommits(w.connections, t, { ...opts(), top: -1 }))).code).toBe('AZDO_PAGING_INVALID');
  });

  // How fast is measured by `npm run bench` (repositories), not here: a timed test fails with the machine's load.
  it('lists 10,000 commits of a branch in one page, newest first, hidden ones included or not', async () => {
    await w.sim.control.createRepository('fabrikam', PROJECT, { name: 'big' });
    await generate(w.sim, 'services', 'big', 12_000);
    const t = await target('services', 'https', 'big');
    await fetchRepository(w.connections, t, opts());
    const first = await listMirrorCommits(w.connections, t, { ...opts(), top: 100 });
    const hidden = first.commits.slice(10, 60).map((c) => c.commitId);
    for (const id of hidden) await hideCommit(w.connections, t, id, opts());
    const all = await listMirrorCommits(w.connections, t, { ...opts(), top: 10_000, includeHidden: true });
    expect(all.commits).toHaveLength(10_000);
    expect(all.hasMore).toBe(true);
    expect(all.commits.slice(0, 100).map((c) => c.commitId)).toEqual(first.commits.map((c) => c.commitId));
    expect(all.commits.filter((c) => c.hidden).map((c) => c.commitId)).toEqual(hidden);
    const visible = await listMirrorCommits(w.connections, t, { ...opts(), top: 10_000 });
    expect(visible.commits).toHaveLength(10_000);
    expect(visible.commits.some((c) => hidden.includes(c.commitId))).toBe(false);
    // Without the 50 hidden ones, the page reaches 50 commits further down the branch.
    const deeper = await listMirrorCommits(w.connections, t, { ...opts(), top: 10_050, includeHidden: true });
    expect(visible.commits.at(-1)?.commitId).toBe(deeper.commits.at(-1)?.commitId);
  });
});

describe('ensureMirror', () => {
  it('fetches a missing mirror and turns refs into commits, fetching once more for one it lacks', async () => {
    await w.sim.control.createRepository('DefaultCollection', PROJECT, { name: 'snap' });
    const head = await w.push('server', 'snap', 2);
    const t = await target('server', 'ssh', 'snap');
    const mirror = await ensureMirror(w.connections, t, opts());
    expect(mirror).toMatchObject({ project: PROJECT, name: 'snap', partial: false, empty: false });
    expect(await mirror.commitOf('main')).toBe(head);
    expect(await mirror.commitOf({ type: 'branch', value: 'main' })).toBe(head);
    expect(await mirror.commitOf(head.slice(0, 10))).toBe(head);
    expect(await mirror.commitOf('refs/heads/main')).toBe(head);

    const later = await w.push('server', 'snap', 1, { branch: 'later' });
    expect(await mirror.commitOf('later')).toBe(later);
    expect((await rejection(mirror.commitOf('never'))).code).toBe('AZDO_BRANCH_NOT_FOUND');
    expect((await rejection(mirror.commitOf({ type: 'commit', value: 'e'.repeat(40) }))).code).toBe('AZDO_VERSION_NOT_FOUND');

    const remote = await mirror.remote();
    expect(remote.transport).toBe('ssh');
    await remote.cleanup();
  });
});
