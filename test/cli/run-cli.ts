// Runs the real CLI as its own process (`node --import tsx src/cli/main.ts ...`), as users and scripts do.
import { spawn } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const MAIN = path.join(ROOT, 'src/cli/main.ts');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  /** Every /proc/<pid>/cmdline seen while it ran, of the CLI and its child processes (Linux only). */
  cmdlines: string[];
  /** stdout parsed as JSON, when it is JSON. */
  json: unknown;
}

export interface RunOptions {
  env?: Record<string, string | undefined>;
  input?: string;
  /** Sample the argument lists of the process and its children while it runs. */
  sampleArgv?: boolean;
  /** Called over and over while the process runs (one call at a time), e.g. to look at its files mid-way. */
  during?: () => Promise<void>;
  timeoutMs?: number;
  /** Told the whole stderr so far each time more arrives, e.g. to act once the CLI says it is waiting. */
  onStderr?(stderr: string): void;
}

async function children(pid: number): Promise<number[]> {
  // Any thread may have spawned a child (libuv spawns from the main one, but be thorough).
  const tasks = await readdir(`/proc/${pid}/task`).catch(() => [] as string[]);
  const lists = await Promise.all(tasks.map((t) => readFile(`/proc/${pid}/task/${t}/children`, 'utf8').catch(() => '')));
  return lists.join(' ').split(/\s+/).filter((s) => s !== '').map(Number);
}

async function sampleTree(root: number, seen: Set<string>): Promise<void> {
  const queue = [root];
  while (queue.length > 0) {
    const pid = queue.shift()!;
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (cmdline !== '') seen.add(cmdline.split('\0').join(' ').trim());
    queue.push(...(await children(pid)));
  }
}

/** The environment a CLI run gets: only what the test passes (plus PATH and HOME), so nothing leaks in from the runner. */
export function cliEnv(extra: Record<string, string | undefined>): Record<string, string> {
  const env: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', NO_COLOR: '1' };
  for (const [k, v] of Object.entries(extra)) if (v !== undefined) env[k] = v;
  return env;
}

export function runCli(args: string[], o: RunOptions = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], {
      cwd: ROOT,
      env: cliEnv(o.env ?? {}),
      // A pipe, never a terminal: the CLI must behave as it does in scripts and CI.
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    const cmdlines = new Set<string>();
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString('utf8');
      o.onStderr?.(stderr);
    });
    let sampling: NodeJS.Timeout | undefined;
    if (o.sampleArgv && child.pid !== undefined) {
      const pid = child.pid;
      void sampleTree(pid, cmdlines);
      sampling = setInterval(() => void sampleTree(pid, cmdlines), 5);
    }
    let running = true;
    let duringDone: Promise<void> = Promise.resolve();
    if (o.during) {
      const during = o.during;
      duringDone = (async () => {
        while (running) {
          await during();
          await new Promise((r) => setTimeout(r, 2));
        }
      })();
    }
    const timer = setTimeout(() => child.kill('SIGKILL'), o.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', async (code) => {
      clearTimeout(timer);
      if (sampling) clearInterval(sampling);
      running = false;
      const failed = await duringDone.then(() => undefined, (error: unknown) => error);
      if (failed) {
        reject(failed as Error);
        return;
      }
      let json: unknown;
      try {
        json = JSON.parse(stdout);
      } catch {
        json = undefined;
      }
      resolve({ code: code ?? -1, stdout, stderr, cmdlines: [...cmdlines], json });
    });
    child.stdin.end(o.input ?? '');
  });
}

function shellQuote(arg: string): string {
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/**
 * Runs the CLI at a terminal (a pseudo-terminal made by util-linux `script`), answering each prompt once it shows:
 * typing before the prompt is up would reach a terminal still in line mode, which echoes.
 */
export function runInTerminal(args: string[], answers: Array<{ when: RegExp; send: string }>, o: { env?: Record<string, string | undefined> } = {}): Promise<{ code: number; transcript: string }> {
  return new Promise((resolve, reject) => {
    const command = [process.execPath, '--import', 'tsx', MAIN, ...args].map(shellQuote).join(' ');
    const child = spawn('script', ['-qefc', command, '/dev/null'], { cwd: ROOT, env: { ...cliEnv(o.env ?? {}), TERM: 'xterm' }, stdio: ['pipe', 'pipe', 'pipe'] });
    let transcript = '';
    const pending = [...answers];
    child.stdout.on('data', (d: Buffer) => {
      transcript += d.toString('utf8');
      const next = pending[0];
      if (next && next.when.test(transcript)) {
        pending.shift();
        child.stdin.write(next.send);
      }
    });
    child.stderr.on('data', (d: Buffer) => (transcript += d.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, transcript });
    });
  });
}
