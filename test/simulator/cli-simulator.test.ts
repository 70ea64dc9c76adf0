import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import https from 'node:https';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basic, gitAuthEnv, run, tempDir } from './helpers.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

interface Started {
  child: ChildProcessWithoutNullStreams;
  ready: Record<string, unknown> & { url: string; dataDir: string; sshHostKeyFingerprint: string; caFile?: string };
}

/** Runs `azdo-connect simulator` as a user would and reads its one ready line. */
async function startCli(args: string[]): Promise<Started> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'simulator', '--port', '0', '--ssh-port', '0', ...args], { cwd: ROOT });
  const lines = createInterface({ input: child.stdout });
  try {
    const first = await new Promise<string>((resolve, reject) => {
      lines.once('line', resolve);
      child.once('exit', (code) => reject(new Error(`simulator exited with ${code}`)));
    });
    return { child, ready: JSON.parse(first) as Started['ready'] };
  } catch (error) {
    // A simulator that printed something else first must not outlive the test.
    child.kill('SIGKILL');
    throw error;
  }
}

async function stopCli(child: ChildProcessWithoutNullStreams): Promise<number | null> {
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  child.kill('SIGINT');
  return exited;
}

describe('azdo-connect simulator (CLI)', () => {
  let tmp: { dir: string; cleanup(): Promise<void> };
  beforeAll(async () => {
    tmp = await tempDir();
  });
  afterAll(async () => tmp?.cleanup());

  it('prints one JSON ready line, persists its state in --data, stops on Ctrl-C and keeps its host key', async () => {
    const data = path.join(tmp.dir, 'state');
    const seed = path.join(tmp.dir, 'seed.json');
    await import('node:fs/promises').then((fs) =>
      fs.writeFile(seed, JSON.stringify({ organizations: [{ name: 'fabrikam', projects: [{ name: 'Web', repositories: [{ name: 'site' }] }] }], users: [{ name: 'alice@example.com', memberOf: ['fabrikam'] }] })),
    );
    const first = await startCli(['--data', data, '--seed', seed]);
    const ready = first.ready;
    expect(ready.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(ready).toMatchObject({ organizations: ['fabrikam'], collections: [], dataDir: data });
    const users = ready['users'] as Array<{ name: string; pat: string; sshPrivateKeyPath: string }>;
    expect(users[0]!.name).toBe('alice@example.com');
    expect((await readFile(users[0]!.sshPrivateKeyPath, 'utf8'))).toContain('PRIVATE KEY');
    const r = await fetch(`${ready.url}/fabrikam/_apis/projects`, { headers: { authorization: basic(users[0]!.pat) } });
    expect(r.status).toBe(200);
    expect(await stopCli(first.child)).toBe(0);

    const second = await startCli(['--data', data]);
    expect(second.ready.sshHostKeyFingerprint).toBe(ready.sshHostKeyFingerprint);
    expect((second.ready['users'] as Array<{ pat: string }>)[0]!.pat).toBe(users[0]!.pat);
    const again = await fetch(`${second.ready.url}/fabrikam/_apis/projects`, { headers: { authorization: basic(users[0]!.pat) } });
    expect(((await again.json()) as { value: Array<{ name: string }> }).value.map((p) => p.name)).toEqual(['Web']);
    expect(await stopCli(second.child)).toBe(0);
  });

  it('serves HTTPS with a generated CA whose file is in the ready line', async () => {
    const { child, ready } = await startCli(['--seed', 'empty', '--tls']);
    try {
      expect(ready.url).toMatch(/^https:\/\//);
      const ca = await readFile(ready.caFile!, 'utf8');
      const status = await new Promise<number>((resolve, reject) => {
        https.get(`${ready.url}/_simulator/state`, { ca }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        }).on('error', reject);
      });
      expect(status).toBe(200);
      // Without the CA, a client must refuse the certificate: that is what the doctor explains to users.
      const untrusted = await run('git', ['ls-remote', `${ready.url}/nowhere/_git/x`], { env: gitAuthEnv(basic('x')) });
      expect(untrusted.stderr).toMatch(/SSL certificate problem|self.signed|unable to get local issuer|certificate verification failed/i);
    } finally {
      await stopCli(child);
    }
  });

  it('explains a port that is already in use', async () => {
    const { child, ready } = await startCli(['--seed', 'empty']);
    try {
      const port = new URL(ready.url).port;
      const clash = await run(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'simulator', '--port', port, '--ssh-port', '0', '--seed', 'empty'], { cwd: ROOT });
      expect(clash.code).toBe(1);
      expect(clash.stderr).toContain('Another program uses that port');
    } finally {
      await stopCli(child);
    }
  });
});
