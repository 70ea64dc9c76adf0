// A bare mirror of one repository, kept current with the system git. The first fetch clones into a temporary
// directory beside the mirror and renames it into place only once complete; later fetches run inside the mirror,
// where git writes the pack first and moves the refs (all of them at once, with --atomic) only after it is complete.
// Either way an interrupted fetch leaves the last good mirror, and a fetch that never finished leaves none.
import { randomBytes } from 'node:crypto';
import { readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { AzdoError } from '../errors/azdo-error.js';
import type { GitRemote } from './git-env.js';
import { classifyGitFailure, gitFailure, GitErrorCodes } from './git-errors.js';
import type { FetchProgress } from './git-progress.js';
import { lockMirror, type MirrorLockOptions } from './mirror-lock.js';
import { runGit, type GitRun } from './run-git.js';

export type MirrorFilter = 'blob:none';

export interface FetchMirrorOptions {
  /** The bare mirror, e.g. `{data}/mirrors/{connectionId}/{repositoryId}.git`; its parent is created if missing. */
  dir: string;
  remote: GitRemote;
  /** A partial clone: commits and trees now, file contents when first needed. Only the first fetch chooses. */
  filter?: MirrorFilter;
  onProgress?(progress: FetchProgress): void;
  /** Further tries after a transient failure (5xx, a dropped connection, a stall). Default 3. */
  retries?: number;
  /** How long to wait for another fetch of the same mirror (default 10 minutes; 0 fails at once). */
  lock?: MirrorLockOptions;
  signal?: AbortSignal;
  /** "project/repository", for messages. */
  repository?: string;
  /** The connection's name, for hints. */
  connection?: string;
  /** Injectable so tests do not wait through real back-off. */
  sleep?(ms: number): Promise<void>;
  /** Told each git child's pid. */
  onSpawn?(pid: number): void;
}

export interface FetchMirrorResult {
  dir: string;
  /** This fetch made the mirror (a clone). */
  created: boolean;
  /** The repository has no refs (no commits yet). */
  empty: boolean;
  /** A partial clone (`blob:none`). */
  partial: boolean;
  attempts: number;
  durationMs: number;
}

/** Pull request refs (refs/pull/{id}/merge) are Azure DevOps' trial merges: churn nobody asked to mirror. */
export const MIRROR_EXCLUDED_REFS = '^refs/pull/*';

/** An HTTP transfer that stalls for two minutes is given up (and retried) instead of holding the lock forever. */
const STALL_LIMITS = ['-c', 'http.lowSpeedLimit=1', '-c', 'http.lowSpeedTime=120'];

const realSleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A bare repository is complete once HEAD and objects/ exist; the rename into place guarantees the rest. */
export async function mirrorExists(dir: string): Promise<boolean> {
  const [head, objects] = await Promise.all([stat(path.join(dir, 'HEAD')).catch(() => undefined), stat(path.join(dir, 'objects')).catch(() => undefined)]);
  return head?.isFile() === true && objects?.isDirectory() === true;
}

/** No ref at all, read from the files (no git process: this runs after every fetch). */
export async function mirrorIsEmpty(dir: string): Promise<boolean> {
  const packed = await readFile(path.join(dir, 'packed-refs'), 'utf8').catch(() => '');
  if (packed.split('\n').some((line) => line !== '' && !line.startsWith('#') && !line.startsWith('^'))) return false;
  const loose = await readdir(path.join(dir, 'refs'), { recursive: true, withFileTypes: true }).catch(() => []);
  return !loose.some((entry) => entry.isFile());
}

async function isPartial(dir: string): Promise<boolean> {
  const config = await readFile(path.join(dir, 'config'), 'utf8').catch(() => '');
  return /^\s*partialclonefilter\s*=/im.test(config);
}

/** The URL of `origin` as written in the mirror's config (URLs we write need no quoting). */
async function originUrl(dir: string): Promise<string | undefined> {
  const config = await readFile(path.join(dir, 'config'), 'utf8').catch(() => '');
  const section = /\[remote "origin"\]([^[]*)/.exec(config)?.[1] ?? '';
  return /^\s*url\s*=\s*(.+?)\s*$/m.exec(section)?.[1];
}

function backoffMs(attempt: number): number {
  return Math.min(8000, 500 * 2 ** (attempt - 1)) * (0.75 + Math.random() * 0.5);
}

function ioFailure(error: unknown, repository: string): unknown {
  if ((error as NodeJS.ErrnoException).code === 'ENOSPC') {
    return new AzdoError(
      GitErrorCodes.diskFull,
      `The disk filled up while fetching "${repository}"; the mirror was left as it was before this fetch.`,
      'Free some space on the disk that holds the data directory (AZDO_CONNECT_DATA), or use a partial clone (--filter blob:none), then fetch again.',
    );
  }
  return error;
}

/** What a git killed halfway may leave: lock files that would fail the next run, and half-written packs. */
async function removeDebris(dir: string): Promise<void> {
  const locks = ['HEAD.lock', 'config.lock', 'packed-refs.lock', 'shallow.lock', 'FETCH_HEAD.lock', 'index.lock'].map((f) => path.join(dir, f));
  const refLocks = (await readdir(path.join(dir, 'refs'), { recursive: true }).catch(() => [] as string[]))
    .filter((f) => f.endsWith('.lock'))
    .map((f) => path.join(dir, 'refs', f));
  const packs = (await readdir(path.join(dir, 'objects', 'pack')).catch(() => [] as string[]))
    .filter((f) => f.startsWith('tmp_'))
    .map((f) => path.join(dir, 'objects', 'pack', f));
  await Promise.all([...locks, ...refLocks, ...packs].map((f) => rm(f, { force: true })));
}

/** Earlier clones that never finished: only possible while we hold the lock, so none is in use. */
async function removeStaleClones(dir: string): Promise<void> {
  const parent = path.dirname(dir);
  const prefix = `${path.basename(dir)}.tmp-`;
  const names = await readdir(parent).catch(() => [] as string[]);
  await Promise.all(names.filter((n) => n.startsWith(prefix)).map((n) => rm(path.join(parent, n), { recursive: true, force: true })));
}

function stopped(run: GitRun): AzdoError | undefined {
  if (run.signal === null) return undefined;
  return new AzdoError(
    GitErrorCodes.failed,
    `git was stopped (${run.signal}) before the fetch finished; the mirror was left as it was before this fetch.`,
    'Fetch again: it continues from the last complete state.',
    { signal: run.signal },
  );
}

/**
 * Clones the mirror if it does not exist yet, otherwise fetches what changed (pruning deleted branches and tags).
 * One fetch per mirror at a time; transient failures are retried with back-off.
 */
export async function fetchMirror(o: FetchMirrorOptions): Promise<FetchMirrorResult> {
  const started = performance.now();
  const dir = path.resolve(o.dir);
  const repository = o.repository ?? path.basename(dir);
  const retries = o.retries ?? 3;
  const sleep = o.sleep ?? realSleep;
  const context = { repository, where: o.remote.where, transport: o.remote.transport, ...(o.connection ? { connection: o.connection } : {}) };
  const lock = await lockMirror(dir, { waitMs: 600_000, ...o.lock });
  try {
    const exists = await mirrorExists(dir);
    if (exists && lock.tookOver) await removeDebris(dir);
    if (!exists) await removeStaleClones(dir);
    for (let attempt = 1; ; attempt++) {
      o.signal?.throwIfAborted();
      const run = exists ? await incremental(dir, o) : await clone(dir, o, repository);
      if (run.code === 0 && run.signal === null) {
        return {
          dir,
          created: !exists,
          empty: await mirrorIsEmpty(dir),
          partial: await isPartial(dir),
          attempts: attempt,
          durationMs: performance.now() - started,
        };
      }
      if (exists) await removeDebris(dir);
      o.signal?.throwIfAborted();
      const halted = stopped(run);
      if (halted) throw halted;
      if (classifyGitFailure(run.stderr) !== 'transient' || attempt > retries) throw gitFailure(run.stderr, run.code, context);
      await sleep(backoffMs(attempt));
    }
  } catch (error) {
    throw ioFailure(error, repository);
  } finally {
    await lock.release();
  }
}

async function clone(dir: string, o: FetchMirrorOptions, repository: string): Promise<GitRun> {
  const temporary = `${dir}.tmp-${randomBytes(6).toString('hex')}`;
  try {
    const args = [...STALL_LIMITS, 'clone', '--mirror', '--progress', '-c', `remote.origin.fetch=${MIRROR_EXCLUDED_REFS}`];
    if (o.filter) args.push(`--filter=${o.filter}`);
    args.push('--', o.remote.url, temporary);
    const run = await runGit(args, gitOptions(o, path.dirname(dir)));
    if (run.code === 0 && run.signal === null) await rename(temporary, dir);
    return run;
  } catch (error) {
    throw ioFailure(error, repository);
  } finally {
    await rm(temporary, { recursive: true, force: true });
  }
}

async function incremental(dir: string, o: FetchMirrorOptions): Promise<GitRun> {
  // The URL can change (a renamed repository, another endpoint); it holds no credential, so the config may keep it.
  if ((await originUrl(dir)) !== o.remote.url) {
    const set = await runGit(['config', 'remote.origin.url', o.remote.url], { cwd: dir });
    if (set.code !== 0) return set;
  }
  return runGit([...STALL_LIMITS, 'fetch', '--progress', '--prune', '--atomic', 'origin'], gitOptions(o, dir));
}

function gitOptions(o: FetchMirrorOptions, cwd: string) {
  return {
    cwd,
    env: o.remote.env,
    ...(o.onProgress ? { onProgress: o.onProgress } : {}),
    ...(o.signal ? { signal: o.signal } : {}),
    ...(o.onSpawn ? { onSpawn: o.onSpawn } : {}),
  };
}
