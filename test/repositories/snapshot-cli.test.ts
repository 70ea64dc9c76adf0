// `repo snapshot` as users and scripts run it: the real CLI process against the demo simulator.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, runInTerminal } from '../cli/run-cli.js';
import { tarFiles } from '../git/snapshot-repos.js';
import { repositoryWorld, type RepositoryWorld } from './repository-world.js';

let w: RepositoryWorld;
const APP = 'https://dev.azure.com/fabrikam/Platform/_git/app-with-submodule';

beforeAll(async () => {
  w = await repositoryWorld();
}, 60_000);

afterAll(async () => {
  await w?.close();
});

const cli = (args: string[], o: { sampleArgv?: boolean } = {}) => runCli(args, { env: w.env, ...o });

interface SnapshotJson {
  path: string;
  size: number;
  commit: string;
  ref: string;
  files: number;
  skippedPaths: number;
  submodules: Array<{ path: string; status: string; repository?: string; connection?: string }>;
  error?: { code: string; message: string; hint: string };
}

describe('repo snapshot', () => {
  it('writes the .tar.gz with the submodule and prints path, size, commit, files, skipped paths and submodules as JSON', async () => {
    const out = path.join(w.dir, 'app.tar.gz');
    const result = await cli(['repo', 'snapshot', APP, 'main', '--out', out, '--json'], { sampleArgv: true });
    expect(result.code, result.stderr).toBe(0);
    const json = result.json as SnapshotJson;
    expect(json).toMatchObject({ path: out, ref: 'main', files: 6, skippedPaths: 0 });
    expect(json.size).toBeGreaterThan(0);
    expect(json.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(json.submodules).toMatchObject([{ path: 'lib/shared', status: 'included', repository: 'Platform/shared-lib', connection: 'fabrikam' }]);
    expect(await tarFiles(out)).toContain('lib/shared/src/strings.ts');
    // The PAT went to git through its environment: no process of the run ever had it in its arguments.
    expect(result.cmdlines.some((c) => c.startsWith('git '))).toBe(true);
    expect(result.cmdlines.join('\n')).not.toContain(w.pat);
    expect(result.stdout).not.toContain(w.pat);
  });

  it('shows the files archived on a progress bar at a terminal, and still prints the summary', async () => {
    const out = path.join(w.dir, 'app-terminal.tar.gz');
    const r = await runInTerminal(['repo', 'snapshot', APP, 'main', '--out', out], [], { env: w.env });
    expect(r.code, r.transcript).toBe(0);
    expect(r.transcript).toMatch(/Archiving +\[[█░]+\] \d+% \| \d+\/6/);
    expect(r.transcript).toMatch(/Wrote .*app-terminal\.tar\.gz/);
    expect(await tarFiles(out)).toContain('lib/shared/src/strings.ts');
  });

  it('takes a branch URL without a ref and prints a summary for people', async () => {
    const out = path.join(w.dir, 'web.tar.gz');
    const result = await cli(['repo', 'snapshot', 'https://dev.azure.com/fabrikam/Fabrikam%20Fiber/_git/web?version=GBfeature/login', '--out', out]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^Wrote .*web\.tar\.gz \(.*\): Fabrikam Fiber\/web at feature\/login \([0-9a-f]{10}\), 5 files\./);
    expect(await tarFiles(out)).toContain('src/login.html');
  });

  it('exits 4 with AZDO_BRANCH_NOT_FOUND for a branch that does not exist, and writes nothing', async () => {
    const out = path.join(w.dir, 'none.tar.gz');
    const result = await cli(['repo', 'snapshot', APP, 'no-such-branch', '--out', out, '--json']);
    expect(result.code).toBe(4);
    expect((result.json as SnapshotJson).error?.code).toBe('AZDO_BRANCH_NOT_FOUND');
    expect(await tarFiles(out).catch(() => 'absent')).toBe('absent');
  });

  it('exits 2 without --out', async () => {
    const result = await cli(['repo', 'snapshot', APP, 'main', '--json']);
    expect(result.code).toBe(2);
    expect((result.json as SnapshotJson).error?.code).toBe('AZDO_CLI_USAGE');
  });
});
