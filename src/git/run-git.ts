// Runs the system git without a shell. Its stderr is kept (the tail only: a long fetch prints a lot of progress) for
// the error it may explain, and fed to a progress parser as it arrives.
import { spawn } from 'node:child_process';
import { gitMissing } from './git-errors.js';
import { ProgressParser, type FetchProgress } from './git-progress.js';

export interface GitRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunGitOptions {
  cwd?: string;
  /** Added to this process's environment (a remote's credential, for one). */
  env?: Record<string, string>;
  /** Keep stdout (small outputs only: rev-parse, for-each-ref). */
  stdout?: boolean;
  /** Send stdout to this open file instead: for large outputs, much faster than a pipe (git never waits on us). */
  stdoutFd?: number;
  onProgress?(progress: FetchProgress): void;
  signal?: AbortSignal;
  /** Told the child's pid once it started, e.g. to watch or stop it. */
  onSpawn?(pid: number): void;
}

const STDERR_TAIL = 64 * 1024;

export function runGit(args: readonly string[], o: RunGitOptions = {}): Promise<GitRun> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, {
      cwd: o.cwd,
      env: { ...process.env, ...o.env },
      stdio: ['ignore', o.stdoutFd ?? (o.stdout ? 'pipe' : 'ignore'), 'pipe'],
      ...(o.signal ? { signal: o.signal, killSignal: 'SIGTERM' as const } : {}),
    });
    let stdout = '';
    let stderr = '';
    const parser = o.onProgress ? new ProgressParser() : undefined;
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-STDERR_TAIL);
      if (parser) for (const step of parser.push(chunk)) o.onProgress?.(step);
    });
    if (child.pid !== undefined) o.onSpawn?.(child.pid);
    child.on('error', (error: NodeJS.ErrnoException) => {
      if (error.name === 'AbortError') return; // 'close' follows with the signal
      reject(error.code === 'ENOENT' ? gitMissing(error) : error);
    });
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
    // After an abort, git's own children (git-remote-https, ssh) can hold the pipes open until their network call
    // ends, delaying 'close' by as long as a minute. Once git itself has exited, nothing more is worth reading.
    child.on('exit', (code, signal) => {
      if (!o.signal?.aborted) return;
      child.stdout?.destroy();
      child.stderr?.destroy();
      resolve({ code, signal, stdout, stderr });
    });
  });
}
