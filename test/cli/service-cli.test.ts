// `azdo-connect demo` and `azdo-connect admin sign-in-link`, run as their own processes.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliEnv, ROOT, runCli } from './run-cli.js';

const MAIN = path.join(ROOT, 'src/cli/main.ts');

/** Runs `azdo-connect demo` until it says it is running, then stops it with SIGINT; returns what it printed. */
async function demo(dataDir: string, whileRunning: (out: string) => Promise<void>): Promise<{ out: string; code: number | null }> {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, 'demo', '--port', '0', '--data', dataDir], { cwd: ROOT, env: cliEnv({}), stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`demo not running after 90 s:\n${out}\n${err}`)), 90_000);
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString('utf8');
        if (out.includes('Stop with Ctrl-C.')) {
          clearTimeout(timer);
          resolve();
        }
      });
      void exited.then((code) => reject(new Error(`demo exited with ${code}:\n${out}\n${err}`)));
    });
    await whileRunning(out);
  } finally {
    child.kill('SIGINT');
  }
  return { out, code: await exited };
}

function signInLink(out: string): URL {
  const link = /^\s+(http:\/\/\S+\/sign-in#token=\S+)$/m.exec(out)?.[1];
  expect(link, out).toBeDefined();
  return new URL(link!);
}

async function signIn(link: URL): Promise<string> {
  const r = await fetch(new URL('/api/v1/sign-in', link), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token: link.hash.replace(/^#token=/, '') }),
  });
  expect(r.status).toBe(200);
  return r.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
}

describe('azdo-connect demo and admin sign-in-link', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'azdo-demo-'));
  });

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true, maxRetries: 5 });
  });

  it('runs the service against the simulator with a tested connection, prints a fresh link every time, and adds the connection once', async () => {
    const dataDir = path.join(dir, 'demo');
    const connectionsSeen: unknown[] = [];
    const first = await demo(dataDir, async (out) => {
      expect(out).toMatch(/web UI and API\s+http:\/\/localhost:\d+/);
      expect(out).toMatch(/simulator\s+http:\/\/127\.0\.0\.1:\d+/);
      const link = signInLink(out);
      const cookie = await signIn(link);
      const list = await fetch(new URL('/api/v1/connections', link), { headers: { cookie } });
      const body = (await list.json()) as { items: Array<{ name: string; url: string; status: { lastTest: string } }> };
      connectionsSeen.push(body.items);
      expect(body.items).toEqual([expect.objectContaining({ name: 'fabrikam', url: 'https://dev.azure.com/fabrikam', status: expect.objectContaining({ lastTest: 'passed' }) })]);
    });
    expect(first.code).toBe(0);

    const second = await demo(dataDir, async (out) => {
      const link = signInLink(out);
      expect(out).not.toContain(signInLink(first.out).hash);
      const cookie = await signIn(link);
      const body = (await (await fetch(new URL('/api/v1/connections', link), { headers: { cookie } })).json()) as { items: unknown[] };
      expect(body.items).toHaveLength(1);
    });
    expect(second.code).toBe(0);

    // The administrator locked out: a new link from the server's machine, for an existing user only.
    const env = { AZDO_CONNECT_DATA: dataDir };
    const again = await runCli(['admin', 'sign-in-link', '--email', 'admin@example.com', '--json'], { env });
    expect(again.code).toBe(0);
    expect(again.json).toMatchObject({ email: 'admin@example.com', url: expect.stringMatching(/^http:\/\/localhost:8080\/sign-in#token=/) });
    const unknown = await runCli(['admin', 'sign-in-link', '--email', 'nobody@example.com', '--json'], { env });
    expect(unknown.code).toBe(4);
    expect(unknown.json).toMatchObject({ error: { code: 'AZDO_USER_NOT_FOUND' } });
    const bad = await runCli(['admin', 'sign-in-link', '--email', 'not-an-address'], { env });
    expect(bad.code).toBe(2);
  });
});
