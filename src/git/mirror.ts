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
  /** May still be in the making (its files being written): the lock is taken meanwhile. The caller cleans it up. */
  remote: GitRemote | Promise<GitRemote>;
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
  /**
   * After a successful fetch, also bring the commit-graph up to date (writeCommitGraph), still holding the lock so
   * that no other fetch changes the refs meanwhile. For mirrors whose history is paged deeply (the service's).
   */
  commitGraph?: boolean;
  /** Told when the commit-graph starts being written. */
  onIndexing?(): void;
}

/** The options once the remote is made. */
type Fetching = FetchMirrorOptions & { remote: GitRemote };

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

async function readConfig(dir: string): Promise<string> {
  return readFile(path.join(dir, 'config'), 'utf8').catch(() => '');
}

function isPartialConfig(config: string): boolean {
  return /^\s*partialclonefilter\s*=/im.test(config);
}

/** The URL of `origin` as written in the mirror's config (URLs we write need no quoting). */
function originUrl(config: string): string | undefined {
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

/** Earlier clones that never finished, among the names beside the mirror: only possible while we hold the lock, so none is in use. */
async function removeStaleClones(dir: string, siblings: readonly string[]): Promise<void> {
  const parent = path.dirname(dir);
  const prefix = `${path.basename(dir)}.tmp-`;
  await Promise.all(siblings.filter((n) => n.startsWith(prefix)).map((n) => rm(path.join(parent, n), { recursive: true, force: true })));
}

/** Without a listener git is asked for no progress at all: none is printed, and the server sends none. */
function progressFlag(o: FetchMirrorOptions): string {
  return o.onProgress ? '--progress' : '--quiet';
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
export async function fetchMirror(options: FetchMirrorOptions): Promise<FetchMirrorResult> {
  const started = performance.now();
  const dir = path.resolve(options.dir);
  const repository = options.repository ?? path.basename(dir);
  const retries = options.retries ?? 3;
  const sleep = options.sleep ?? realSleep;
  const [locked, made] = await Promise.allSettled([lockMirror(dir, { waitMs: 600_000, ...options.lock }), options.remote]);
  if (locked.status === 'rejected') throw locked.reason;
  const lock = locked.value;
  try {
    if (made.status === 'rejected') throw made.reason;
    const o: Fetching = { ...options, remote: made.value };
    const context = { repository, where: o.remote.where, transport: o.remote.transport, ...(o.connection ? { connection: o.connection } : {}) };
    // All at once, as each costs a trip to the file system: the listing beside the mirror matters only when there is
    // no mirror, its config only when there is one. A fetch never changes whether the mirror is partial.
    const [exists, siblings, config] = await Promise.all([mirrorExists(dir), readdir(path.dirname(dir)).catch(() => [] as string[]), readConfig(dir)]);
    if (exists && lock.tookOver) await removeDebris(dir);
    if (!exists) await removeStaleClones(dir, siblings);
    const mirror = { url: originUrl(config) };
    for (let attempt = 1; ; attempt++) {
      o.signal?.throwIfAborted();
      const run = exists ? await incremental(dir, o, mirror) : await clone(dir, o, repository);
      if (run.code === 0 && run.signal === null) {
        const [empty, partial] = await Promise.all([mirrorIsEmpty(dir), exists ? isPartialConfig(config) : readConfig(dir).then(isPartialConfig)]);
        if (o.commitGraph && !empty) {
          o.onIndexing?.();
          await writeCommitGraph(dir, o.signal ? { signal: o.signal } : {});
        }
        return { dir, created: !exists, empty, partial, attempts: attempt, durationMs: performance.now() - started };
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

async function clone(dir: string, o: Fetching, repository: string): Promise<GitRun> {
  const temporary = `${dir}.tmp-${randomBytes(6).toString('hex')}`;
  let renamed = false;
  try {
    // The refspec is written into the new config before the first fetch, so pull request refs are never fetched.
    const args = [...STALL_LIMITS, 'clone', '--mirror', progressFlag(o), '-c', `remote.origin.fetch=${MIRROR_EXCLUDED_REFS}`];
    if (o.filter) args.push(`--filter=${o.filter}`);
    args.push('--', o.remote.url, temporary);
    const run = await runGit(args, gitOptions(o, path.dirname(dir)));
    if (run.code === 0 && run.signal === null) {
      await rename(temporary, dir);
      renamed = true;
    }
    return run;
  } catch (error) {
    throw ioFailure(error, repository);
  } finally {
    // An aborted git returns once it exits, but a helper of it may still be writing a file or two: retry.
    if (!renamed) await rm(temporary, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
  }
}

async function incremental(dir: string, o: Fetching, mirror: { url: string | undefined }): Promise<GitRun> {
  // The URL can change (a renamed repository, another endpoint); it holds no credential, so the config may keep it.
  if (mirror.url !== o.remote.url) {
    const set = await runGit(['config', 'remote.origin.url', o.remote.url], { cwd: dir });
    if (set.code !== 0) return set;
    mirror.url = o.remote.url;
  }
  return runGit([...STALL_LIMITS, 'fetch', progressFlag(o), '--prune', '--atomic', 'origin'], gitOptions(o, dir));
}

/**
 * Brings a mirror's commit-graph up to date: with it git walks history without reading each commit object, so a page
 * of commits deep in a branch (`git log --skip`) costs a few milliseconds instead of tens. `--split` adds a layer for
 * what the last fetch brought and merges layers as they pile up. Only a speed-up, so failures are ignored, and
 * only on request (fetchMirror's `commitGraph`): a plain fetch stays as fast as `git fetch`; the service asks for it.
 */
export async function writeCommitGraph(dir: string, o: { signal?: AbortSignal } = {}): Promise<void> {
  if (o.signal?.aborted) return;
  await runGit(['commit-graph', 'write', '--reachable', '--split', '--no-progress'], { cwd: dir, ...(o.signal ? { signal: o.signal } : {}) }).catch(
    () => undefined,
  );
}

function gitOptions(o: Fetching, cwd: string) {
  return {
    cwd,
    env: o.remote.env,
    ...(o.onProgress ? { onProgress: o.onProgress } : {}),
    ...(o.signal ? { signal: o.signal } : {}),
    ...(o.onSpawn ? { onSpawn: o.onSpawn } : {}),
  };
}
