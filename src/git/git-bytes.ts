// git plumbing whose input or output is bytes rather than text: NUL-separated paths (which need not be UTF-8), object
// contents, archives. run-git.ts covers commands that print a little text; these feed stdin and stream stdout.
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { gitMissing } from './git-errors.js';

export interface GitBytesOptions {
  /** The repository (GIT_DIR); commands run with it as their working directory too. */
  gitDir: string;
  /** Added to this process's environment: a temporary index or object directory, a remote's credential. */
  env?: Record<string, string>;
  /** Written to stdin, which is then closed. */
  input?: Buffer | string;
}

/** A git command that failed: its exit code and the tail of what it printed, which says why. */
export class GitCommandError extends Error {
  override readonly name = 'GitCommandError';

  constructor(
    readonly args: readonly string[],
    readonly exitCode: number | null,
    readonly stderr: string,
  ) {
    super(`git ${args[0] ?? ''} failed (${exitCode === null ? 'killed' : `exit ${exitCode}`}): ${stderr.trim().split('\n').pop() ?? ''}`);
  }
}

const STDERR_TAIL = 16 * 1024;

export type GitChild = ChildProcessByStdio<Writable, Readable, Readable>;

/**
 * Starts git with piped stdio. `exited` settles when it ends: resolved on exit 0, rejected with GitCommandError
 * otherwise (or with AZDO_GIT_MISSING when there is no git). Kill it with `child.kill()`.
 */
export function spawnGit(args: readonly string[], o: GitBytesOptions): { child: GitChild; exited: Promise<void> } {
  const child = spawn('git', args, {
    cwd: o.gitDir,
    env: { ...process.env, GIT_DIR: o.gitDir, ...o.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-STDERR_TAIL);
  });
  // A command that stops reading early (or dies) must not crash us with EPIPE; its exit code tells what happened.
  child.stdin.on('error', () => undefined);
  const exited = new Promise<void>((resolve, reject) => {
    child.once('error', (error: NodeJS.ErrnoException) => reject(error.code === 'ENOENT' ? gitMissing(error) : error));
    child.once('close', (code) => (code === 0 ? resolve() : reject(new GitCommandError(args, code, stderr))));
  });
  if (o.input !== undefined) child.stdin.end(o.input);
  return { child, exited };
}

/** Runs git to completion and returns everything it printed on stdout. */
export async function gitBytes(args: readonly string[], o: GitBytesOptions): Promise<Buffer> {
  const { child, exited } = spawnGit(args, o);
  if (o.input === undefined) child.stdin.end();
  const chunks: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
  await exited;
  return Buffer.concat(chunks);
}

/** Splits `-z` output into its records, as raw bytes. */
export function splitNul(output: Buffer): Buffer[] {
  const records: Buffer[] = [];
  let start = 0;
  for (let end = output.indexOf(0, start); end !== -1; end = output.indexOf(0, start)) {
    records.push(output.subarray(start, end));
    start = end + 1;
  }
  if (start < output.length) records.push(output.subarray(start));
  return records;
}
