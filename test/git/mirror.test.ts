// Mirrors with the real git and OpenSSH against the simulator, in Services and Server mode, over HTTPS (PAT) and SSH
// (key): first fetch, incremental fetch, partial clone, empty repositories, locks, interruption and retries.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gitRemoteFor } from '../../src/git/git-remote.js';
import type { FetchProgress } from '../../src/git/git-progress.js';
import { fetchMirror, type FetchMirrorOptions } from '../../src/git/mirror.js';
import { lockMirror } from '../../src/git/mirror-lock.js';
import { rejection } from '../helpers/rejection.js';
import { run } from '../simulator/helpers.js';
import { fsck, generate, mirrorWorld, PROJECT, refsOf, repoDir, type MirrorWorld, type Mode } from './mirror-world.js';

let w: MirrorWorld;
let n = 0;
const noWait = async (): Promise<void> => undefined;

beforeAll(async () => {
  w = await mirrorWorld();
  for (const mode of ['services', 'server'] as const) await w.push(mode, 'web', 3);
});
afterAll(async () => {
  await w?.close();
});

function newDir(label: string): string {
  n += 1;
  return path.join(w.dir, 'mirrors', `${label}-${n}.git`);
}

async function fetchWith(mode: Mode, transport: 'https' | 'ssh', repository: string, o: Partial<FetchMirrorOptions> & { dir: string }) {
  const remote = await gitRemoteFor(w.connection(mode, transport), w.endpoints, PROJECT, repository);
  try {
    return await fetchMirror({ remote, sleep: noWait, repository: `${PROJECT}/${repository}`, ...o });
  } finally {
    await remote.cleanup();
  }
}

async function upstreamRefs(mode: Mode, repository: string): Promise<Record<string, string>> {
  return refsOf(repoDir(w.sim, mode, repository));
}

describe.each([
  ['services', 'https'],
  ['services', 'ssh'],
  ['server', 'https'],
  ['server', 'ssh'],
] as const)('%s over %s', (mode, transport) => {
  it('clones the mirror on the first fetch, then fetches only what changed', async () => {
    const dir = newDir(`${mode}-${transport}`);
    const progress: FetchProgress[] = [];
    const first = await fetchWith(mode, transport, 'web', { dir, onProgress: (p) => progress.push(p) });
    expect(first).toMatchObject({ created: true, empty: false, partial: false, attempts: 1 });
    expect(await refsOf(dir)).toEqual(await upstreamRefs(mode, 'web'));
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.every((p) => p.percent >= 0 && p.percent <= 100)).toBe(true);

    await w.push(mode, 'web', 1);
    await w.push(mode, 'web', 1, { branch: `topic-${transport}` });
    const second = await fetchWith(mode, transport, 'web', { dir });
    expect(second).toMatchObject({ created: false, empty: false });
    expect(await refsOf(dir)).toEqual(await upstreamRefs(mode, 'web'));
    expect((await fsck(dir)).code).toBe(0);
    // Bare, without a working tree, and the remote's URL carries no credential.
    const config = await readFile(path.join(dir, 'config'), 'utf8');
    expect(config).toMatch(/bare = true/);
    expect(config).not.toContain(w.pat);
  });

  it('mirrors an empty repository as a mirror without refs', async () => {
    const dir = newDir(`${mode}-${transport}-empty`);
    const result = await fetchWith(mode, transport, 'empty-repo', { dir });
    expect(result).toMatchObject({ created: true, empty: true });
    expect(await refsOf(dir)).toEqual({});
    expect((await fetchWith(mode, transport, 'empty-repo', { dir })).empty).toBe(true);
  });

  it('reports a repository that does not exist as AZDO_REPOSITORY_NOT_FOUND and leaves no directory', async () => {
    const dir = newDir(`${mode}-${transport}-missing`);
    const error = await rejection(fetchWith(mode, transport, 'no-such-repo', { dir }));
    expect(error.code).toBe('AZDO_REPOSITORY_NOT_FOUND');
    expect(error.message).toContain('TF401019');
    expect(await readdir(path.dirname(dir))).not.toContain(path.basename(dir));
  });
});

describe('partial clone', () => {
  it('with blob:none fetches commits and trees, not file contents, and stays partial on later fetches', async () => {
    // Azure Repos serves partial clones; the simulator's repositories need it switched on, as git's own servers do.
    for (const key of ['uploadpack.allowFilter', 'uploadpack.allowAnySHA1InWant']) {
      await run('git', ['config', '--file', path.join(repoDir(w.sim, 'services', 'web'), 'config'), key, 'true']);
    }
    const dir = newDir('partial');
    const result = await fetchWith('services', 'https', 'web', { dir, filter: 'blob:none' });
    expect(result).toMatchObject({ created: true, partial: true });
    const missing = await run('git', ['--git-dir', dir, 'rev-list', '--objects', '--missing=print', '--all']);
    expect(missing.stdout.split('\n').filter((l) => l.startsWith('?')).length).toBeGreaterThan(0);
    await w.push('services', 'web', 1);
    const again = await fetchWith('services', 'https', 'web', { dir });
    expect(again.partial).toBe(true);
    expect(await refsOf(dir)).toEqual(await upstreamRefs('services', 'web'));
  });
});

describe('one fetch per mirror', () => {
  it('makes a second fetch wait for the first, and both succeed', async () => {
    const dir = newDir('lock');
    const [a, b] = await Promise.all([fetchWith('services', 'https', 'web', { dir }), fetchWith('services', 'https', 'web', { dir })]);
    expect([a.created, b.created].sort()).toEqual([false, true]);
    expect((await fsck(dir)).code).toBe(0);
  });

  it('answers AZDO_MIRROR_BUSY at once when asked not to wait', async () => {
    const dir = newDir('busy');
    await fetchWith('services', 'https', 'web', { dir });
    const held = await lockMirror(dir);
    try {
      const error = await rejection(fetchWith('services', 'https', 'web', { dir, lock: { waitMs: 0 } }));
      expect(error.code).toBe('AZDO_MIRROR_BUSY');
      expect(error.message).toContain(`process ${process.pid}`);
    } finally {
      await held.release();
    }
  });

  it('takes over a lock left by a process that died', async () => {
    const dir = newDir('stale');
    const dead = await new Promise<number>((resolve) => {
      const child = execFile('true', () => resolve(child.pid!));
    });
    const { mkdir, writeFile } = await import('node:fs/promises');
    await mkdir(`${dir}.lock`, { recursive: true });
    await writeFile(path.join(`${dir}.lock`, 'owner.json'), JSON.stringify({ pid: dead, host: (await import('node:os')).hostname(), since: new Date().toISOString() }));
    const result = await fetchWith('services', 'https', 'web', { dir, lock: { waitMs: 0 } });
    expect(result.created).toBe(true);
  });

  it('takes over a lock file left by a process that died, and leaves no lock behind', async () => {
    const dir = newDir('stale-file');
    const dead = await new Promise<number>((resolve) => {
      const child = execFile('true', () => resolve(child.pid!));
    });
    const { mkdir, writeFile } = await import('node:fs/promises');
    await mkdir(path.dirname(dir), { recursive: true });
    await writeFile(`${dir}.lock`, JSON.stringify({ pid: dead, host: (await import('node:os')).hostname(), since: new Date().toISOString() }));
    const result = await fetchWith('services', 'https', 'web', { dir, lock: { waitMs: 0 } });
    expect(result.created).toBe(true);
    await expect(stat(`${dir}.lock`)).rejects.toThrow();
  });
});

describe('commit-graph', () => {
  it('is written only when asked, after the fetch and still under the lock, and git verifies it', async () => {
    const graph = (dir: string): Promise<string[]> => readdir(path.join(dir, 'objects', 'info', 'commit-graphs')).catch(() => []);
    const dir = newDir('graph');
    await fetchWith('services', 'https', 'web', { dir });
    expect(await graph(dir)).toEqual([]);

    // Read synchronously while indexing starts: an asynchronous lock attempt could lose the race with a quick
    // commit-graph write and find the lock already released.
    let lockHolder: { pid?: number } | undefined;
    const indexed = await fetchWith('services', 'https', 'web', {
      dir,
      commitGraph: true,
      onIndexing: () => {
        lockHolder = JSON.parse(readFileSync(`${dir}.lock`, 'utf8')) as { pid?: number };
      },
    });
    expect(indexed.created).toBe(false);
    expect(lockHolder?.pid).toBe(process.pid);
    await expect(stat(`${dir}.lock`)).rejects.toThrow();
    expect(await graph(dir)).toContain('commit-graph-chain');
    expect((await run('git', ['commit-graph', 'verify'], { cwd: dir })).code).toBe(0);
  });
});

describe('interruption', () => {
  /** Kills git once it is receiving objects. */
  function killWhileReceiving(): Pick<FetchMirrorOptions, 'onSpawn' | 'onProgress'> {
    let pid: number | undefined;
    let killed = false;
    return {
      onSpawn: (p) => (pid = p),
      onProgress: (p) => {
        if (!killed && pid !== undefined && p.phase === 'receiving' && p.percent < 90) {
          killed = true;
          process.kill(pid, 'SIGKILL');
        }
      },
    };
  }

  it('leaves no mirror and no temporary directory when the first clone is killed, and the next fetch clones', async () => {
    await w.sim.control.createRepository('fabrikam', PROJECT, { name: 'bulk' });
    await generate(w.sim, 'services', 'bulk', 15_000);
    const dir = newDir('killed-clone');
    const error = await rejection(fetchWith('services', 'https', 'bulk', { dir, ...killWhileReceiving() }));
    expect(error.code).toBe('AZDO_GIT_FAILED');
    expect(error.message).toContain('SIGKILL');
    expect((await readdir(path.dirname(dir))).filter((f) => f.startsWith(path.basename(dir)))).toEqual([]);
    const result = await fetchWith('services', 'https', 'bulk', { dir });
    expect(result.created).toBe(true);
    expect((await fsck(dir)).code).toBe(0);
  });

  it('keeps the previous mirror intact (git fsck) when an incremental fetch is killed mid-transfer', async () => {
    await w.sim.control.createRepository('DefaultCollection', PROJECT, { name: 'bulk' });
    await w.push('server', 'bulk', 2);
    for (const transport of ['https', 'ssh'] as const) {
      const dir = newDir(`killed-fetch-${transport}`);
      await fetchWith('server', transport, 'bulk', { dir });
      const before = await refsOf(dir);
      await generate(w.sim, 'server', 'bulk', 12_000, `bulk-${transport}`);
      const error = await rejection(fetchWith('server', transport, 'bulk', { dir, ...killWhileReceiving() }));
      expect(error.code).toBe('AZDO_GIT_FAILED');
      expect(await refsOf(dir)).toEqual(before);
      // A pack that was complete when git died may stay behind as dangling objects, which git tolerates.
      const check = await fsck(dir);
      expect(check.code).toBe(0);
      expect(check.output).not.toMatch(/missing|broken|error|corrupt/i);
      const after = await fetchWith('server', transport, 'bulk', { dir });
      expect(after.created).toBe(false);
      expect(await refsOf(dir)).toEqual(await upstreamRefs('server', 'bulk'));
    }
  });
});

describe('transient failures', () => {
  it('retries after a 503 from git-upload-pack and succeeds', async () => {
    const dir = newDir('retry');
    await w.fault({ path: 'git-upload-pack', status: 503, times: 1 });
    const waits: number[] = [];
    const result = await fetchWith('services', 'https', 'web', { dir, sleep: async (ms) => void waits.push(ms) });
    expect(result).toMatchObject({ created: true, attempts: 2 });
    expect(waits).toHaveLength(1);
    expect((await fsck(dir)).code).toBe(0);
  });

  it('gives up with AZDO_GIT_UNREACHABLE after the retries, leaving the mirror as it was', async () => {
    const dir = newDir('retry-exhausted');
    await fetchWith('services', 'https', 'web', { dir });
    const before = await refsOf(dir);
    await w.push('services', 'web', 1);
    await w.fault({ path: 'git-upload-pack', status: 503, times: 3 });
    try {
      const error = await rejection(fetchWith('services', 'https', 'web', { dir, retries: 2 }));
      expect(error.code).toBe('AZDO_GIT_UNREACHABLE');
      expect(error.message).toContain('503');
    } finally {
      await w.clearFaults();
    }
    expect(await refsOf(dir)).toEqual(before);
  });

  it('does not retry what another try cannot fix', async () => {
    const dir = newDir('no-retry');
    const waits: number[] = [];
    await rejection(fetchWith('services', 'https', 'no-such-repo', { dir, sleep: async (ms) => void waits.push(ms) }));
    expect(waits).toEqual([]);
  });
});
