import { spawn } from 'node:child_process';
import path from 'node:path';
import type { Writable } from 'node:stream';

/** git exited with a status the caller did not expect; `stderr` is git's own explanation. */
export class GitError extends Error {
  constructor(
    readonly args: readonly string[],
    readonly exitCode: number | null,
    readonly stderr: string,
  ) {
    // Only the first arguments: a pathspec list or a format string would drown git's explanation.
    const shown = args.length > 4 ? `${args.slice(0, 4).join(' ')} ...` : args.join(' ');
    super(`git ${shown} failed (exit ${exitCode ?? 'signal'}): ${stderr.trim() || '(no message)'}`);
    this.name = 'GitError';
  }
}

export interface RunGitOptions {
  /** Repository to act on; passed as GIT_DIR so git never searches upwards from its working directory. */
  gitDir?: string;
  cwd?: string;
  input?: Buffer | string;
  env?: Record<string, string>;
  /** Exit codes that are answers rather than failures (e.g. 1 for a conflicting merge-tree). */
  okCodes?: readonly number[];
}

export interface GitResult {
  stdout: Buffer;
  stderr: string;
  exitCode: number;
}

const INHERITED_REPO_VARS = [
  'GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE', 'GIT_OBJECT_DIRECTORY', 'GIT_ALTERNATE_OBJECT_DIRECTORIES',
  'GIT_COMMON_DIR', 'GIT_NAMESPACE', 'GIT_QUARANTINE_PATH',
];

/**
 * The environment every git call runs with. User and system config are cut off so that a developer's
 * commit.gpgSign, i18n settings or hooks path cannot change object ids or behaviour; LC_ALL=C keeps the
 * few stderr messages we recognise in English.
 */
export function gitEnv(o: { gitDir?: string; env?: Record<string, string> }): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  // Inherited repository variables (e.g. when tests run from a git hook) would redirect our calls.
  for (const name of INHERITED_REPO_VARS) delete env[name];
  Object.assign(env, {
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_TERMINAL_PROMPT: '0',
    GIT_LITERAL_PATHSPECS: '1',
    LC_ALL: 'C',
    // glibc otherwise grows the heap in small steps: fast-import of a few thousand commits made ~60,000 brk calls
    // and ran ten times slower.
    MALLOC_TOP_PAD_: '16777216',
  }, o.env);
  // Absolute, because git resolves a relative GIT_DIR against its own working directory.
  if (o.gitDir !== undefined) env.GIT_DIR = path.resolve(o.gitDir);
  return env;
}

/** Runs git to completion with an argument array (never a shell) and buffers its output. */
export function runGit(args: readonly string[], o: RunGitOptions = {}): Promise<GitResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, {
      cwd: o.cwd,
      env: gitEnv(o),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.on('error', reject);
    child.on('close', (code) => {
      const stderr = Buffer.concat(err).toString('utf8');
      const exitCode = code ?? -1;
      if (exitCode === 0 || (o.okCodes ?? []).includes(exitCode)) {
        resolve({ stdout: Buffer.concat(out), stderr, exitCode });
      } else {
        reject(new GitError(args, code, stderr));
      }
    });
    writeAndEnd(child.stdin, o.input);
  });
}

/** Runs git and returns trimmed stdout as text: for plumbing that prints one id or name. */
export async function gitText(args: readonly string[], o: RunGitOptions = {}): Promise<string> {
  const r = await runGit(args, o);
  return r.stdout.toString('utf8').trim();
}

export interface GitStreamHandle {
  /** Resolves when git exits; rejects with GitError on an unexpected status unless `stop()` was called. */
  done: Promise<void>;
  /** Ends git early once the caller has read all it needs (git then dies of SIGPIPE or SIGTERM). */
  stop(): void;
  stdin: Writable;
}

/**
 * Spawns git and hands stdout to `onData` chunk by chunk, so a caller can parse a long history
 * without holding it all and can stop as soon as a page is full.
 */
export function streamGit(
  args: readonly string[],
  o: Omit<RunGitOptions, 'input'>,
  onData: (chunk: Buffer) => void,
): GitStreamHandle {
  const child = spawn('git', args, {
    cwd: o.cwd,
    env: gitEnv(o),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stopped = false;
  const err: Buffer[] = [];
  // Writes after git has exited raise EPIPE; the exit status already tells the story.
  child.stdin.on('error', () => undefined);
  child.stderr.on('data', (c: Buffer) => err.push(c));
  child.stdout.on('data', (c: Buffer) => {
    if (!stopped) onData(c);
  });
  const done = new Promise<void>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      if (stopped || code === 0 || (o.okCodes ?? []).includes(code ?? -1)) resolve();
      else reject(new GitError(args, code, Buffer.concat(err).toString('utf8')));
    });
  });
  // Callers may be busy writing stdin when git fails; they still see the rejection when they await `done`.
  done.catch(() => undefined);
  return {
    done,
    stdin: child.stdin,
    stop() {
      if (stopped) return;
      stopped = true;
      child.stdout.destroy();
      child.kill('SIGTERM');
    },
  };
}

function writeAndEnd(stdin: Writable, input: Buffer | string | undefined): void {
  stdin.on('error', () => undefined);
  if (input === undefined) stdin.end();
  else stdin.end(input);
}
