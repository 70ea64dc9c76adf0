// `azdo-connect serve` as its own process, as operators run it: the first start prints the sign-in link, logs are
// JSON lines without secrets, and SIGTERM puts a running job back in the queue and exits 0 within the grace period.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../simulator/index.js';
import { cliEnv, ROOT } from '../cli/run-cli.js';
import { waitFor } from '../helpers/wait-for.js';

const MAIN = path.join(ROOT, 'src/cli/main.ts');
const GRACE_SECONDS = 2;

interface ServeProcess {
  child: ChildProcessWithoutNullStreams;
  /** Every stdout line so far. */
  lines: string[];
  stderr: () => string;
  url: string;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
}

/** Starts `azdo-connect serve` and waits for its "ready" log line. */
async function serve(env: Record<string, string>): Promise<ServeProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, 'serve', '--port', '0'], { cwd: ROOT, env: cliEnv(env), stdio: ['pipe', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let stderr = '';
  let partial = '';
  let onLine: ((line: string) => void) | undefined;
  child.stdout.on('data', (d: Buffer) => {
    const parts = (partial + d.toString('utf8')).split('\n');
    partial = parts.pop() ?? '';
    for (const line of parts) {
      lines.push(line);
      onLine?.(line);
    }
  });
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ready line within 60 s:\n${lines.join('\n')}\n${stderr}`)), 60_000);
    const check = (line: string): void => {
      const log = tryJson(line);
      if (log?.msg === 'ready') {
        clearTimeout(timer);
        resolve(log.url as string);
      }
    };
    lines.forEach(check);
    onLine = check;
    void exited.then((code) => reject(new Error(`serve exited with ${code}:\n${lines.join('\n')}\n${stderr}`)));
  });
  return { child, lines, stderr: () => stderr, url, exited };
}

function tryJson(line: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(line);
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

describe('azdo-connect serve', () => {
  let sim: RunningSimulator;
  let dir: string;
  let env: Record<string, string>;
  let pat: string;

  beforeAll(async () => {
    sim = await startSimulator({ seed: 'demo' });
    pat = sim.ready.users.find((u) => u.name === 'alice@example.com')!.pats.find((p) => p.name === 'full')!.token;
    dir = await mkdtemp(path.join(os.tmpdir(), 'azdo-serve-'));
    env = { ...sim.env, AZDO_CONNECT_DATA: path.join(dir, 'data'), LOG_LEVEL: 'debug', AZDO_CONNECT_SHUTDOWN_GRACE_SECONDS: String(GRACE_SECONDS) };
  });

  afterAll(async () => {
    await sim?.stop();
    if (dir) await rm(dir, { recursive: true, force: true, maxRetries: 5 });
  });

  it('prints the sign-in link once, logs JSON without secrets, and on SIGTERM requeues a running job and exits 0', async () => {
    const first = await serve(env);
    try {
      // The banner: the only lines that are not JSON, and the only place the link's token appears.
      const link = first.lines.map((l) => /^\s+(http:\/\/\S+\/sign-in#token=(\S+))$/.exec(l)).find(Boolean);
      expect(link, first.lines.join('\n')).toBeTruthy();
      expect(first.lines.join('\n')).toContain('Open this link to sign in as the administrator (valid 24 h, once):');
      const linkToken = link![2]!;

      const api = async (method: string, url: string, o: { body?: unknown; headers?: Record<string, string> } = {}): Promise<Response> =>
        fetch(`${first.url}${url}`, {
          method,
          headers: { ...(o.body !== undefined ? { 'content-type': 'application/json' } : {}), ...o.headers },
          ...(o.body !== undefined ? { body: JSON.stringify(o.body) } : {}),
        });
      const signIn = await api('POST', '/api/v1/sign-in', { body: { token: decodeURIComponent(linkToken) } });
      expect(signIn.status).toBe(200);
      const cookie = signIn.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
      const { csrfToken } = (await (await api('GET', '/api/v1/session', { headers: { cookie } })).json()) as { csrfToken: string };
      const session = { cookie, 'x-csrf-token': csrfToken };

      const add = await api('POST', '/api/v1/connections', { headers: session, body: { name: 'fabrikam', url: 'https://dev.azure.com/fabrikam', credential: { type: 'pat', token: pat } } });
      expect(add.status).toBe(201);
      const connectionId = ((await add.json()) as { id: string }).id;
      // Secrets where a careless log would pick them up: a wrong API token, a body the service refuses.
      expect((await api('GET', '/api/v1/connections', { headers: { authorization: `Bearer ${pat}` } })).status).toBe(401);
      expect((await api('POST', '/api/v1/connections', { headers: session, body: { name: 'x', url: 'not a url', credential: { type: 'pat', token: pat }, extra: pat } })).status).toBe(400);

      // A fetch that hangs (git over HTTP answers after 20 s) is running when the signal comes.
      await fetch(`${sim.controlUrl}/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ path: '/_git/', latencyMs: 20_000 }) });
      const repos = (await (await api('GET', `/api/v1/connections/${connectionId}/repositories?limit=500`, { headers: session })).json()) as { items: Array<{ id: string; name: string; project: { name: string } }> };
      const web = repos.items.find((r) => r.name === 'web' && r.project.name === 'Fabrikam Fiber')!;
      const queued = await api('POST', `/api/v1/connections/${connectionId}/repositories/${web.id}/fetch`, { headers: session, body: {} });
      expect(queued.status).toBe(202);
      const jobId = ((await queued.json()) as { id: string }).id;
      await waitFor('the fetch job to run', async () => {
        const job = (await (await api('GET', `/api/v1/jobs/${jobId}`, { headers: session })).json()) as { state: string };
        return job.state === 'running' ? job : undefined;
      }, 30_000);

      first.child.kill('SIGTERM');
      expect(await first.exited).toBe(0);
      // After the grace period the job is aborted, and the aborted git ends at once (its children's pipes are not
      // waited for): the queue's cap for handlers that ignore an abort is not what ended it.
      const requeued = first.lines.map(tryJson).find((l) => l?.msg === 'job queue: running jobs queued again for the next start');
      expect(requeued).toMatchObject({ jobs: [jobId], stillRunning: [] });
      const db = new Database(path.join(env.AZDO_CONNECT_DATA!, 'azdo-connect.db'), { readonly: true });
      try {
        expect(db.prepare('select state from jobs where id = ?').get(jobId)).toEqual({ state: 'queued' });
      } finally {
        db.close();
      }
      const logs = first.lines.map(tryJson).filter((l) => l !== undefined);
      expect(logs.map((l) => l.msg)).toEqual(expect.arrayContaining(['ready', 'shutting down', 'stopped']));
      const secrets = [pat, linkToken, decodeURIComponent(linkToken), cookie.split('=')[1]!, csrfToken];

      // Every stdout line is JSON but the banner's; the banner is the only place the link is.
      const plain = first.lines.filter((l) => tryJson(l) === undefined && l.trim() !== '');
      expect(plain.every((l) => /^=+$/.test(l) || l.includes('Open this link') || l.includes('/sign-in#token='))).toBe(true);
      const logText = first.lines.filter((l) => tryJson(l) !== undefined).join('\n') + first.stderr();
      for (const secret of secrets) expect(logText).not.toContain(secret);
      for (const log of logs) expect(log).toMatchObject({ level: expect.any(String), time: expect.any(String), msg: expect.any(String) });

      // The second start: no new administrator, no link; the queued job runs again and finishes.
      await fetch(`${sim.controlUrl}/faults`, { method: 'DELETE' });
      const second = await serve(env);
      try {
        expect(second.lines.join('\n')).not.toContain('sign-in#token=');
        const done = await waitFor('the requeued job to finish', async () => {
          const r = await fetch(`${second.url}/api/v1/jobs/${jobId}`, { headers: { cookie } });
          const job = (await r.json()) as { state: string };
          return ['succeeded', 'failed'].includes(job.state) ? job : undefined;
        }, 60_000);
        expect(done.state).toBe('succeeded');
      } finally {
        second.child.kill('SIGTERM');
        expect(await second.exited).toBe(0);
      }
      const all = second.lines.join('\n') + second.stderr();
      for (const secret of secrets) expect(all).not.toContain(secret);
    } finally {
      if (first.child.exitCode === null) first.child.kill('SIGKILL');
    }
  });

  it('refuses a bad configuration before opening anything, naming the variable', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN, 'serve'], {
      cwd: ROOT,
      env: cliEnv({ AZDO_CONNECT_DATA: path.join(dir, 'bad'), PORT: 'eighty', LOG_LEVEL: 'loud' }),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(3);
    expect(stderr).toContain('AZDO_CONFIG_INVALID');
    expect(stderr).toContain('PORT');
    expect(existsSync(path.join(dir, 'bad'))).toBe(false);
  });
});
