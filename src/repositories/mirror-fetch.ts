// Fetching a repository's mirror through its connection (a clone the first time, incremental afterwards) and what is
// known of it. git itself runs in src/git/; this file decides which mirror, with which credential, and records it.
import type { ConnectionService } from '../connections/connection-service.js';
import { AzdoError } from '../errors/azdo-error.js';
import type { GitRemote } from '../git/git-env.js';
import { gitRemoteFor } from '../git/git-remote.js';
import { GitErrorCodes } from '../git/git-errors.js';
import type { FetchProgress } from '../git/git-progress.js';
import { fetchMirror, type MirrorFilter } from '../git/mirror.js';
import { getMirror, recordFetchFailed, recordFetchSucceeded, upsertMirror, type MirrorError } from '../store/mirrors-repo.js';
import type { MirrorStatus } from '../store/database.js';
import { identifyByRest, identifyMirror, isRealRepositoryId, type MirrorIdentity, type MirrorOptions } from './mirror-identity.js';
import type { RepositoryTarget } from './repository-target.js';

export type { MirrorOptions } from './mirror-identity.js';

export interface MirrorInfo {
  connection: string;
  repositoryId: string;
  project: string;
  name: string;
  path: string;
  status: MirrorStatus;
  partial: boolean;
  lastFetchedAt?: string;
  lastAttemptAt?: string;
  lastError?: MirrorError;
}

export interface FetchRepositoryOptions extends MirrorOptions {
  filter?: MirrorFilter;
  onProgress?(progress: FetchProgress): void;
  /** How long to wait for another fetch of the same mirror; 0 fails at once with AZDO_MIRROR_BUSY. Default 10 min. */
  lockWaitMs?: number;
  /** Told when another fetch of the same mirror holds it and this one starts waiting. */
  onLockWait?(owner: string | undefined): void;
  retries?: number;
  signal?: AbortSignal;
  sleep?(ms: number): Promise<void>;
  /** Also write the commit-graph under the mirror's lock (see fetchMirror): for deep paging of commits. */
  commitGraph?: boolean;
  onIndexing?(): void;
}

export interface FetchRepositoryResult {
  mirror: MirrorInfo;
  created: boolean;
  empty: boolean;
  attempts: number;
  durationMs: number;
}

export function info(identity: MirrorIdentity, record = identity.record): MirrorInfo {
  return {
    connection: identity.connection.name,
    repositoryId: identity.repositoryId,
    project: identity.project,
    name: identity.name,
    path: identity.dir,
    status: record?.status ?? 'missing',
    partial: record?.filter === 'blob:none',
    ...(record?.lastFetchedAt ? { lastFetchedAt: record.lastFetchedAt } : {}),
    ...(record?.lastAttemptAt ? { lastAttemptAt: record.lastAttemptAt } : {}),
    ...(record?.lastError ? { lastError: record.lastError } : {}),
  };
}

/** What is known of the repository's mirror (last fetched time, status, last error); undefined if never fetched. */
export async function mirrorInfo(connections: ConnectionService, target: RepositoryTarget, o: MirrorOptions = {}): Promise<MirrorInfo | undefined> {
  const identity = await identifyMirror(connections, target, o);
  return identity.record ? info(identity) : undefined;
}

/**
 * git's TF401019 says "not found, not allowed, or disabled" at once. With a REST credential Azure DevOps can be asked
 * which: a disabled repository gets its own error, and a renamed one (its mirror recorded under the old name) comes
 * back with its new names to fetch again.
 */
async function explainNotFound(
  connections: ConnectionService,
  identity: MirrorIdentity,
  error: AzdoError,
  o: MirrorOptions,
): Promise<{ error: unknown } | { renamed: MirrorIdentity }> {
  if (identity.connection.credential.type === 'ssh') return { error };
  const byId = isRealRepositoryId(identity.repositoryId) ? { repositoryId: identity.repositoryId } : {};
  try {
    const fresh = await identifyByRest(connections, { connection: identity.connection, project: identity.project, repository: identity.name, ...byId }, o);
    const renamed = fresh.project.toLowerCase() !== identity.project.toLowerCase() || fresh.name.toLowerCase() !== identity.name.toLowerCase();
    return renamed && fresh.repositoryId === identity.repositoryId ? { renamed: fresh } : { error };
  } catch (restError) {
    return { error: restError instanceof AzdoError ? restError : error };
  }
}

/** The name asked for now means another repository than the mirror recorded under it: fetch that one instead. */
class NameTaken extends Error {
  constructor(readonly current: MirrorIdentity) {
    super(`${current.project}/${current.name} is now another repository`);
  }
}

/**
 * A mirror found by its recorded name may no longer be what the name means: the recorded repository renamed, and a
 * new one created under its old name. Fetching the new one into the old mirror would mix two repositories, so with a
 * REST credential Azure DevOps is asked, while the remote is made and the lock taken, and git runs only once the name
 * is confirmed. A name Azure DevOps no longer knows leaves the record standing: git's answer then tells a rename
 * (explainNotFound). Over SSH alone nothing can be asked, and the mirror is keyed by the names anyway.
 */
function confirmedRemote(connections: ConnectionService, identity: MirrorIdentity, o: MirrorOptions, making: Promise<GitRemote>): Promise<GitRemote> {
  if (!identity.foundByName || identity.connection.credential.type === 'ssh' || !isRealRepositoryId(identity.repositoryId)) return making;
  const target = { connection: identity.connection, project: identity.project, repository: identity.name };
  const current = identifyByRest(connections, target, o).catch(() => undefined);
  return Promise.all([making, current]).then(([remote, now]) => {
    if (now && now.repositoryId !== identity.repositoryId) throw new NameTaken(now);
    return remote;
  });
}

export async function fetchIdentified(
  connections: ConnectionService,
  identity: MirrorIdentity,
  o: FetchRepositoryOptions,
  allowRename = true,
): Promise<FetchRepositoryResult> {
  const db = connections.store.db;
  const key = { connectionId: identity.connection.id, repositoryId: identity.repositoryId };
  // The remote is made (for SSH a few files written) while the record is written and the lock taken.
  const making = gitRemoteFor(identity.connection, connections.endpoints, identity.project, identity.name);
  making.catch(() => undefined); // its failure is fetchMirror's to report
  const remote = confirmedRemote(connections, identity, o, making);
  remote.catch(() => undefined); // likewise
  let cleaned = false;
  const cleanup = async (): Promise<void> => {
    if (cleaned) return;
    cleaned = true;
    await making.then((remote) => remote.cleanup(), () => undefined);
  };
  try {
    // Before git runs, so that a failure has a record to go on.
    await upsertMirror(db, { ...key, project: identity.project, name: identity.name, path: identity.dir, ...(o.filter ? { filter: o.filter } : {}) });
  } catch (error) {
    await cleanup();
    throw error;
  }
  try {
    const result = await fetchMirror({
      dir: identity.dir,
      remote,
      repository: `${identity.project}/${identity.name}`,
      connection: identity.connection.name,
      ...(o.filter ? { filter: o.filter } : {}),
      ...(o.onProgress ? { onProgress: o.onProgress } : {}),
      ...(o.retries !== undefined ? { retries: o.retries } : {}),
      lock: { ...(o.lockWaitMs !== undefined ? { waitMs: o.lockWaitMs } : {}), ...(o.onLockWait ? { onWait: o.onLockWait } : {}) },
      ...(o.signal ? { signal: o.signal } : {}),
      ...(o.sleep ? { sleep: o.sleep } : {}),
      ...(o.commitGraph ? { commitGraph: true } : {}),
      ...(o.onIndexing ? { onIndexing: o.onIndexing } : {}),
    });
    // The remote's files go while the store records the fetch.
    const [record] = await Promise.all([
      recordFetchSucceeded(db, { ...key, status: result.empty ? 'empty' : 'ready', ...(result.partial ? { filter: 'blob:none' } : {}) }).then(() => getMirror(db, key)),
      cleanup(),
    ]);
    return { mirror: info(identity, record), created: result.created, empty: result.empty, attempts: result.attempts, durationMs: result.durationMs };
  } catch (error) {
    if (error instanceof NameTaken) {
      await cleanup();
      return fetchIdentified(connections, error.current, o, allowRename);
    }
    let reported: unknown = error;
    if (error instanceof AzdoError && error.code === GitErrorCodes.repositoryNotFound) {
      const explained = await explainNotFound(connections, identity, error, o);
      if ('renamed' in explained && allowRename) {
        await cleanup();
        return fetchIdentified(connections, explained.renamed, o, false);
      }
      if ('error' in explained) reported = explained.error;
    }
    // A busy mirror is another fetch at work, not a failure of this repository.
    if (reported instanceof AzdoError && reported.code !== GitErrorCodes.mirrorBusy) {
      await recordFetchFailed(db, { ...key, code: reported.code, message: reported.message });
    }
    throw reported;
  } finally {
    await cleanup();
  }
}

/** Clones the repository's mirror the first time, fetches what changed afterwards, and records how it went. */
export async function fetchRepository(connections: ConnectionService, target: RepositoryTarget, o: FetchRepositoryOptions = {}): Promise<FetchRepositoryResult> {
  return fetchIdentified(connections, await identifyMirror(connections, target, o), o);
}
