// Commits read straight from a mirror with one `git log`: NUL-separated fields (a commit message may hold any other
// character), so parsing is a split, and git does the walking and paging (--skip/--max-count). Pages that must leave
// some commits out walk the ids first (`git rev-list`) and format only the page's commits.
import { randomBytes } from 'node:crypto';
import { open, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { AzdoError } from '../errors/azdo-error.js';
import { GitErrorCodes } from './git-errors.js';
import { runGit } from './run-git.js';

export interface GitPerson {
  name: string;
  email: string;
  /** ISO 8601 with the author's offset, as git records it. */
  date: string;
}

export interface LogCommit {
  commitId: string;
  parents: string[];
  author: GitPerson;
  committer: GitPerson;
  /** The first line of the message. */
  subject: string;
}

const FIELDS = ['%H', '%P', '%an', '%ae', '%aI', '%cn', '%ce', '%cI', '%s'];
const FORMAT = `--format=${FIELDS.join('%x00')}`;

/** A ref or commit the mirror does not have. */
export class UnknownRevisionError extends Error {
  override readonly name = 'UnknownRevisionError';
  constructor(readonly revision: string) {
    super(`unknown revision ${revision}`);
  }
}

export function parseLog(stdout: string): LogCommit[] {
  const fields = stdout.split('\0');
  const commits: LogCommit[] = [];
  // Every commit is FIELDS.length values followed by the -z terminator, which the split leaves as a separator too.
  for (let i = 0; i + FIELDS.length <= fields.length; i += FIELDS.length) {
    const f = fields.slice(i, i + FIELDS.length);
    const commitId = f[0]!.replace(/^\n/, '');
    if (!/^[0-9a-f]{40,64}$/.test(commitId)) break;
    commits.push({
      commitId,
      parents: f[1] === '' ? [] : f[1]!.split(' '),
      author: { name: f[2]!, email: f[3]!, date: f[4]! },
      committer: { name: f[5]!, email: f[6]!, date: f[7]! },
      subject: f[8]!,
    });
  }
  return commits;
}

/**
 * What git prints for `args` in `dir`, read through a file: over a pipe git stalls every 64 KiB until Node reads,
 * which made 10,000 commits twice as slow. UnknownRevisionError for a revision the mirror does not have.
 */
async function gitOutput(dir: string, args: readonly string[], revision: string): Promise<string> {
  const file = path.join(os.tmpdir(), `azdo-log-${randomBytes(8).toString('hex')}`);
  const handle = await open(file, 'wx', 0o600);
  let run;
  let stdout: string;
  try {
    run = await runGit(args, { cwd: dir, stdoutFd: handle.fd });
    stdout = run.code === 0 ? await readFile(file, 'utf8') : '';
  } finally {
    await handle.close();
    await rm(file, { force: true });
  }
  if (run.code !== 0) {
    if (/unknown revision|bad revision|ambiguous argument|bad object|invalid object name/i.test(run.stderr)) throw new UnknownRevisionError(revision);
    throw new AzdoError(GitErrorCodes.failed, `git could not read the mirror's history: ${run.stderr.trim().split('\n').pop() ?? ''}`, 'Fetch the repository again; if it keeps failing, remove the mirror directory and fetch once more.', { dir });
  }
  return stdout;
}

/** Newest first, as `git log` orders them; `revision` is a full ref name or a commit id. */
export async function readLog(dir: string, o: { revision: string; maxCount: number; skip?: number }): Promise<LogCommit[]> {
  const args = ['log', '--no-color', '--no-decorate', '--no-show-signature', FORMAT, '-z', `--max-count=${o.maxCount}`];
  if (o.skip) args.push(`--skip=${o.skip}`);
  args.push('--end-of-options', o.revision, '--');
  return parseLog(await gitOutput(dir, args, o.revision));
}

/**
 * The ids alone, in the order readLog lists the commits (`git rev-list` walks history as `git log` does): with the
 * mirror's commit-graph, thousands of them cost a few milliseconds, where formatting them would cost tens.
 */
export async function readCommitIds(dir: string, o: { revision: string; maxCount: number }): Promise<string[]> {
  const out = await gitOutput(dir, ['rev-list', `--max-count=${o.maxCount}`, '--end-of-options', o.revision, '--'], o.revision);
  return out.split('\n').filter((line) => line !== '');
}

/** Ids on one command line: far below any system's limit on argument length. */
const IDS_PER_RUN = 2000;

/** These commits, in the order given (not walked from: their parents are not listed). */
export async function readCommits(dir: string, ids: readonly string[]): Promise<LogCommit[]> {
  const commits: LogCommit[] = [];
  for (let i = 0; i < ids.length; i += IDS_PER_RUN) {
    const chunk = ids.slice(i, i + IDS_PER_RUN);
    const args = ['log', '--no-color', '--no-decorate', '--no-show-signature', FORMAT, '-z', '--no-walk=unsorted', '--end-of-options', ...chunk, '--'];
    commits.push(...parseLog(await gitOutput(dir, args, chunk[0] ?? '')));
  }
  return commits;
}

/** The full id of a commit the mirror has, from a full or abbreviated id or a ref; undefined when it has none. */
export async function resolveCommit(dir: string, revision: string): Promise<string | undefined> {
  const run = await runGit(['rev-parse', '--verify', '--quiet', '--end-of-options', `${revision}^{commit}`], { cwd: dir, stdout: true });
  const id = run.stdout.trim();
  return run.code === 0 && /^[0-9a-f]{40,64}$/.test(id) ? id : undefined;
}

/** The branch the mirror's HEAD names (its default branch when it was cloned), without "refs/heads/". */
export async function headBranch(dir: string): Promise<string | undefined> {
  const head = await readFile(path.join(dir, 'HEAD'), 'utf8').catch(() => '');
  return /^ref: refs\/heads\/(.+)$/m.exec(head)?.[1]?.trim();
}
