// A repository renamed in Azure DevOps keeps its mirror: the mirror is keyed by the repository's id, so fetching by the
// new name (or by the old name the mirror was recorded under) updates the same mirror instead of cloning a second one.
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchRepository, hideCommit, listMirrorCommits, mirrorInfo } from '../../src/repositories/mirror-service.js';
import { resolveRepositoryArgument, type RepositoryTarget } from '../../src/repositories/repository-target.js';
import { listMirrors } from '../../src/store/mirrors-repo.js';
import { HOSTS, mirrorWorld, PROJECT, refsOf, repoDir, type MirrorWorld, type Mode } from '../git/mirror-world.js';
import { rejection } from '../helpers/rejection.js';

let w: MirrorWorld;

beforeAll(async () => {
  w = await mirrorWorld();
});
afterAll(async () => {
  await w?.close();
});

const opts = () => ({ dataDir: w.dataDir, sleep: async () => undefined });

function target(mode: Mode, repository: string): Promise<RepositoryTarget> {
  return resolveRepositoryArgument(w.connections, `${PROJECT}/${repository}`, { connection: w.connectionName(mode, 'https') });
}

/** The mirrors kept for a connection: its store records and the directories under its mirrors folder. */
async function mirrorsOf(t: RepositoryTarget) {
  const records = await listMirrors(w.connections.store.db, t.connection.id);
  const dirs = (await readdir(path.join(w.dataDir, 'mirrors', t.connection.id))).filter((d) => d.endsWith('.git'));
  return { records, dirs };
}

describe('a mirror follows its renamed repository', () => {
  it.each(['services', 'server'] as const)('fetching a %s repository by its new name updates the same mirror and records the new name', async (mode) => {
    await w.push(mode, 'web', 3);
    const before = await target(mode, 'web');
    const first = await fetchRepository(w.connections, before, opts());
    expect(first).toMatchObject({ created: true, mirror: { name: 'web', status: 'ready' } });
    const [older] = (await listMirrorCommits(w.connections, before, { ...opts(), top: 3 })).commits.slice(1);
    await hideCommit(w.connections, before, older!.commitId, opts());

    const head = await w.push(mode, 'web', 1);
    await w.sim.control.renameRepository(HOSTS[mode], PROJECT, 'web', 'website');
    const after = await target(mode, 'website');
    const since = await lastSeq();
    const second = await fetchRepository(w.connections, after, opts());

    expect(second.created).toBe(false);
    expect(second.mirror).toMatchObject({ repositoryId: first.mirror.repositoryId, path: first.mirror.path, project: PROJECT, name: 'website', status: 'ready' });
    expect(await refsOf(second.mirror.path)).toEqual(await refsOf(repoDir(w.sim, mode, 'website')));
    // git went to the new name; nothing was cloned twice.
    expect((await gitRequests(since)).every((url) => url.includes('/_git/website/'))).toBe(true);
    const { records, dirs } = await mirrorsOf(after);
    expect(records).toEqual([expect.objectContaining({ repositoryId: first.mirror.repositoryId, project: PROJECT, name: 'website', status: 'ready' })]);
    expect(dirs).toEqual([path.basename(first.mirror.path)]);
    expect(await mirrorInfo(w.connections, after, opts())).toEqual(second.mirror);

    // Commits are listed from that mirror under the new name, and what was hidden (by id) stays hidden.
    const page = await listMirrorCommits(w.connections, after, { ...opts(), top: 10 });
    expect(page).toMatchObject({ repository: 'website', ref: 'main', empty: false });
    expect(page.commits[0]!.commitId).toBe(head);
    expect(page.commits.map((c) => c.commitId)).not.toContain(older!.commitId);
    expect(page.commits).toHaveLength(3);
    expect((await listMirrorCommits(w.connections, after, { ...opts(), top: 10, includeHidden: true })).commits).toHaveLength(4);

    // The old name is gone from Azure DevOps, and the mirror no longer answers to it.
    expect((await rejection(fetchRepository(w.connections, before, opts()))).code).toBe('AZDO_REPOSITORY_NOT_FOUND');
  });

  it('fetching by the name the mirror was recorded under finds the repository by id and fetches it under its new name', async () => {
    const recorded = await target('services', 'website');
    const mirror = (await fetchRepository(w.connections, recorded, opts())).mirror;
    const head = await w.push('services', 'website', 1);
    await w.sim.control.renameRepository(HOSTS.services, PROJECT, 'website', 'portal');

    const result = await fetchRepository(w.connections, recorded, opts());
    expect(result.created).toBe(false);
    expect(result.mirror).toMatchObject({ repositoryId: mirror.repositoryId, path: mirror.path, name: 'portal', status: 'ready' });
    expect(result.mirror.lastError).toBeUndefined();
    expect((await refsOf(mirror.path))['refs/heads/main']).toBe(head);
    expect((await mirrorsOf(recorded)).records.map((r) => r.name)).toEqual(['portal']);
  });

  it('gives a new repository that takes a renamed one\'s old name a mirror of its own, leaving the old mirror alone', async () => {
    await w.sim.control.createRepository(HOSTS.services, PROJECT, { name: 'docs' });
    await w.push('services', 'docs', 2);
    const byName = await target('services', 'docs');
    const original = (await fetchRepository(w.connections, byName, opts())).mirror;
    const originalRefs = await refsOf(original.path);

    // The recorded repository moves away and another one is created under its name.
    await w.sim.control.renameRepository(HOSTS.services, PROJECT, 'docs', 'handbook');
    await w.sim.control.createRepository(HOSTS.services, PROJECT, { name: 'docs' });
    const newHead = await w.push('services', 'docs', 1);

    const fetched = await fetchRepository(w.connections, byName, opts());
    expect(fetched.created).toBe(true);
    expect(fetched.mirror.repositoryId).not.toBe(original.repositoryId);
    expect(fetched.mirror.path).not.toBe(original.path);
    expect((await refsOf(fetched.mirror.path))['refs/heads/main']).toBe(newHead);
    expect(await refsOf(original.path)).toEqual(originalRefs);
    // Reading by the name reads the new repository's mirror too.
    const page = await listMirrorCommits(w.connections, byName, { ...opts(), top: 10 });
    expect(page.commits.map((c) => c.commitId)).toEqual([newHead]);
  });
});

async function lastSeq(): Promise<number> {
  return ((await (await fetch(`${w.sim.controlUrl}/requests`)).json()) as { lastSeq: number }).lastSeq;
}

/** URLs of the git requests over HTTP the simulator logged after `since`. */
async function gitRequests(since: number): Promise<string[]> {
  const log = (await (await fetch(`${w.sim.controlUrl}/requests?since=${since}`)).json()) as { requests: Array<{ url: string; transport?: string }> };
  const urls = log.requests.filter((r) => r.transport !== 'ssh' && r.url.includes('/_git/')).map((r) => r.url);
  expect(urls.length).toBeGreaterThan(0);
  return urls;
}
