// `repo fetch` and `repo commits` as users and scripts run them: any repository URL, JSON results, exit codes, no
// progress bar outside a terminal, a lock that a killed fetch does not leave behind, and no secret in argv.
import { spawn } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lockMirror } from '../../src/git/mirror-lock.js';
import { waitFor } from '../helpers/wait-for.js';
import { fsck, generate, mirrorWorld, PROJECT, refsOf, repoDir, type MirrorWorld } from '../git/mirror-world.js';
import { cliEnv, ROOT, runCli, runInTerminal } from './run-cli.js';

let w: MirrorWorld;

beforeAll(async () => {
  w = await mirrorWorld();
  await w.push('services', 'web', 4);
  await w.push('server', 'web', 2);
});
afterAll(async () => {
  await w?.close();
});

const webUrl = (): string => `${w.sim.url}/fabrikam/Fiber%20Web/_git/web`;
// Two connections (HTTPS and SSH) reach fabrikam, so a URL alone is ambiguous: scripts name the connection.
const web = (): string[] => [webUrl(), '--connection', 'services-https'];
const cli = (args: string[], o: Parameters<typeof runCli>[1] = {}) => runCli(args, { env: w.env, ...o });

interface FetchJson {
  repositoryId: string;
  path: string;
  status: string;
  created: boolean;
  empty: boolean;
  lastFetchedAt: string;
}

describe('repo fetch', () => {
  it('clones, then fetches, a repository named by its clone URL, printing JSON and nothing else', async () => {
    const first = await cli(['repo', 'fetch', ...web(), '--json']);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toBe('');
    const json = first.json as FetchJson;
    expect(json).toMatchObject({ status: 'ready', created: true, empty: false, project: PROJECT, name: 'web', connection: 'services-https' });
    expect(json.path.startsWith(path.join(w.dataDir, 'mirrors'))).toBe(true);

    await w.push('services', 'web', 1);
    const second = await cli(['repo', 'fetch', ...web(), '--json']);
    expect((second.json as FetchJson).created).toBe(false);
    expect(await refsOf(json.path)).toEqual(await refsOf(repoDir(w.sim, 'services', 'web')));
  });

  it('prints a summary for people, without a progress bar when not at a terminal', async () => {
    const r = await cli(['repo', 'fetch', `${PROJECT}/web`, '--connection', 'server-ssh']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^(Cloned|Fetched) Fiber Web\/web \(connection server-ssh\) in [\d.]+ s\.\nMirror: /);
    expect(r.stderr).toBe('');
  });

  it('keeps the PAT and the private key out of every command line of the CLI and its git and ssh children', async () => {
    const keyLine = w.sshKey.privateKey.split('\n').find((l) => l.length > 40)!;
    for (const args of [['repo', 'fetch', ...web()], ['repo', 'fetch', `${PROJECT}/web`, '--connection', 'services-ssh']]) {
      const r = await cli(args, { sampleArgv: true });
      expect(r.code, r.stderr).toBe(0);
      expect(r.cmdlines.some((l) => /\bgit\b.*(fetch|clone)/.test(l))).toBe(true);
      for (const line of r.cmdlines) {
        expect(line).not.toContain(w.pat);
        expect(line).not.toContain(Buffer.from(`:${w.pat}`).toString('base64'));
        expect(line).not.toContain(keyLine);
      }
    }
  });

  it('answers AZDO_MIRROR_BUSY with --no-wait while another fetch holds the mirror', async () => {
    const fetched = (await cli(['repo', 'fetch', ...web(), '--json'])).json as FetchJson;
    const held = await lockMirror(fetched.path);
    try {
      const r = await cli(['repo', 'fetch', ...web(), '--no-wait', '--json']);
      expect(r.code).not.toBe(0);
      expect((r.json as { error: { code: string } }).error.code).toBe('AZDO_MIRROR_BUSY');
    } finally {
      await held.release();
    }
  });

  it('waits for another fetch of the same mirror, saying so, then fetches', async () => {
    const fetched = (await cli(['repo', 'fetch', ...web(), '--json'])).json as FetchJson;
    const held = await lockMirror(fetched.path);
    // Released once the CLI says it waits, however long a loaded machine takes to get it there.
    let released: Promise<void> | undefined;
    const r = await cli(['repo', 'fetch', ...web()], {
      onStderr: (stderr) => {
        if (!released && stderr.includes('Another fetch of this repository is running')) released = held.release();
      },
    });
    await (released ?? held.release());
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`Another fetch of this repository is running (process ${process.pid}`);
    expect(r.stdout).toMatch(/^Fetched /);
  });

  it('recovers after the CLI and its git were killed mid-clone: stale lock taken over, no half mirror', async () => {
    await w.sim.control.createRepository('fabrikam', PROJECT, { name: 'huge' });
    await generate(w.sim, 'services', 'huge', 20_000);
    const url = `${w.sim.url}/fabrikam/Fiber%20Web/_git/huge`;
    const main = path.join(ROOT, 'src/cli/main.ts');
    const child = spawn(process.execPath, ['--import', 'tsx', main, 'repo', 'fetch', url, '--connection', 'services-https'], { cwd: ROOT, env: cliEnv(w.env), detached: true, stdio: 'ignore' });
    const mirrors = path.join(w.dataDir, 'mirrors');
    let exited = false;
    child.on('exit', () => (exited = true));
    // Wait until the clone is receiving its pack, then kill the whole process group (CLI, git, index-pack). However
    // long a loaded machine takes to start the CLI and git: killing it earlier would test something else.
    try {
      await waitFor('the clone to receive its pack', async () => {
        if (exited) throw new Error('the fetch ended before it could be killed mid-clone');
        const dirs = await readdir(mirrors, { recursive: true }).catch(() => [] as string[]);
        return dirs.some((d) => /\.git\.tmp-[0-9a-f]+\/objects\/pack\/tmp_pack/.test(d));
      }, 60_000);
    } catch (error) {
      if (!exited) process.kill(-child.pid!, 'SIGKILL');
      throw error;
    }
    process.kill(-child.pid!, 'SIGKILL');
    await new Promise((r) => child.on('close', r));
    const left = await readdir(mirrors, { recursive: true });
    expect(left.some((d) => d.endsWith('.lock'))).toBe(true);

    const r = await cli(['repo', 'fetch', url, '--connection', 'services-https', '--no-wait', '--json']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const json = r.json as FetchJson;
    expect(json.created).toBe(true);
    expect((await fsck(json.path)).code).toBe(0);
    const after = await readdir(path.dirname(json.path));
    expect(after.filter((d) => d.includes('.tmp-') || d.endsWith('.lock'))).toEqual([]);
  });

  it('shows a progress bar at a terminal', async () => {
    const r = await runInTerminal(['repo', 'fetch', `${PROJECT}/huge`, '--connection', 'services-ssh'], [], { env: w.env });
    expect(r.code, r.transcript).toBe(0);
    expect(r.transcript).toMatch(/Receiving +\[[█░]+\] \d+% \| \d+\/\d+/);
    expect(r.transcript).toMatch(/Cloned Fiber Web\/huge/);
  });

  it('reports errors with their code and exit code', async () => {
    const missing = await cli(['repo', 'fetch', `${w.sim.url}/fabrikam/Fiber%20Web/_git/nope`, '--connection', 'services-https', '--json']);
    expect((missing.json as { error: { code: string } }).error.code).toBe('AZDO_REPOSITORY_NOT_FOUND');
    expect(missing.code).not.toBe(0);
    const disabled = await cli(['repo', 'fetch', `${PROJECT}/legacy`, '--connection', 'server-https']);
    expect(disabled.stderr).toMatch(/^Error AZDO_REPOSITORY_DISABLED: /);
    const badFilter = await cli(['repo', 'fetch', ...web(), '--filter', 'tree:0']);
    expect(badFilter.code).toBe(2);
  });
});

describe('repo commits', () => {
  interface Page {
    ref: string;
    commits: Array<{ commitId: string; subject: string; hidden: boolean }>;
    hasMore: boolean;
    lastFetchedAt?: string;
  }

  it('lists a branch from the mirror, paged, as JSON and as a table', async () => {
    const all = await cli(['repo', 'commits', ...web(), '--json', '--fetch']);
    expect(all.code, all.stderr).toBe(0);
    const page = all.json as Page;
    expect(page.ref).toBe('main');
    expect(page.commits[0]!.commitId).toBe((await refsOf(repoDir(w.sim, 'services', 'web')))['refs/heads/main']);
    expect(page.lastFetchedAt).toBeDefined();

    const two = (await cli(['repo', 'commits', ...web(), '--top', '2', '--skip', '1', '--json'])).json as Page;
    expect(two.commits.map((c) => c.commitId)).toEqual(page.commits.slice(1, 3).map((c) => c.commitId));
    expect(two.hasMore).toBe(true);

    const table = await cli(['repo', 'commits', ...web(), '--top', '2']);
    expect(table.stdout).toMatch(/^[0-9a-f]{10} {2}\d{4}-\d\d-\d\d {2}.+ {2}commit \d+\n/);
    expect(table.stdout).toMatch(/2 commits of main\. More: --skip 2\./);
  });

  it('fetches a repository that has no mirror yet before listing it', async () => {
    const r = await cli(['repo', 'commits', `${PROJECT}/web`, '--connection', 'server-https', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect((r.json as Page).commits.length).toBeGreaterThan(0);
  });

  it('hides and unhides commits with --hide and --unhide, and --show-hidden lists them marked', async () => {
    const page = (await cli(['repo', 'commits', ...web(), '--json'])).json as Page;
    const target = page.commits[1]!.commitId;
    const hid = await cli(['repo', 'commits', ...web(), '--hide', target.slice(0, 9)]);
    expect(hid.stdout).toBe(`${target}: hidden.\n`);
    const visible = (await cli(['repo', 'commits', ...web(), '--json'])).json as Page;
    expect(visible.commits.map((c) => c.commitId)).not.toContain(target);
    const shown = (await cli(['repo', 'commits', ...web(), '--json', '--show-hidden'])).json as Page;
    expect(shown.commits.find((c) => c.commitId === target)?.hidden).toBe(true);
    expect((await cli(['repo', 'commits', ...web(), '--show-hidden'])).stdout).toContain('  (hidden)');
    const unhid = await cli(['repo', 'commits', ...web(), '--unhide', target, '--json']);
    expect(unhid.json).toEqual({ commits: [{ commitId: target, hidden: false, changed: true }] });
    expect(((await cli(['repo', 'commits', ...web(), '--json'])).json as Page).commits).toEqual(page.commits);
  });

  it('names a branch that does not exist and a commit id that is not one', async () => {
    const branch = await cli(['repo', 'commits', ...web(), '--branch', 'nope', '--json']);
    expect((branch.json as { error: { code: string } }).error.code).toBe('AZDO_BRANCH_NOT_FOUND');
    const bad = await cli(['repo', 'commits', ...web(), '--hide', 'HEAD~1', '--json']);
    expect((bad.json as { error: { code: string } }).error.code).toBe('AZDO_COMMIT_ID_INVALID');
    expect(bad.code).toBe(3);
    const top = await cli(['repo', 'commits', ...web(), '--top', '0']);
    expect(top.code).toBe(2);
  });
});

describe('the data directory', () => {
  it('holds no secret in any mirror file', async () => {
    const mirrors = path.join(w.dataDir, 'mirrors');
    for (const f of await readdir(mirrors, { recursive: true })) {
      const full = path.join(mirrors, f);
      const text = await readFile(full, 'latin1').catch(() => '');
      expect(text.includes(w.pat), f).toBe(false);
    }
  });
});

describe('connection remove', () => {
  it("deletes the removed connection's mirrors and leaves other connections' mirrors alone", async () => {
    const gone = (await cli(['repo', 'fetch', `${PROJECT}/web`, '--connection', 'server-ssh', '--json'])).json as FetchJson;
    const kept = (await cli(['repo', 'fetch', ...web(), '--json'])).json as FetchJson;
    const removal = await cli(['connection', 'remove', 'server-ssh', '--yes', '--json']);
    expect(removal.code, removal.stderr).toBe(0);
    expect(removal.json).toMatchObject({ removed: { name: 'server-ssh' }, mirrorsRemoved: 1 });
    expect((removal.json as { consequence: string }).consequence).toContain('and its mirrors are deleted');
    await expect(readdir(path.dirname(gone.path))).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await refsOf(kept.path)).toEqual(await refsOf(repoDir(w.sim, 'services', 'web')));
  });
});
