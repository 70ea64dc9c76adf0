// A mirror ready for reading (snapshots, commit listings): fetched first when it does not exist yet, with a way to
// turn refs into commits that fetches once more before declaring a ref missing.
import type { VersionDescriptor } from '../azure/urls.js';
import type { ConnectionService } from '../connections/connection-service.js';
import { gitRemoteFor, type GitRemote } from '../git/git-remote.js';
import { mirrorExists } from '../git/mirror.js';
import { resolveCommit } from '../git/mirror-log.js';
import { getMirror } from '../store/mirrors-repo.js';
import { fetchIdentified, type FetchRepositoryOptions } from './mirror-fetch.js';
import { identifyMirror } from './mirror-identity.js';
import { branchNotFound, versionNotFound } from './repository-errors.js';
import type { RepositoryTarget } from './repository-target.js';

export interface EnsuredMirror {
  /** The bare mirror, for `git --git-dir`/`-C`. */
  path: string;
  repositoryId: string;
  project: string;
  name: string;
  partial: boolean;
  empty: boolean;
  /**
   * The commit a branch, tag, commit id (full or abbreviated) or full ref name stands for. A ref the mirror lacks is
   * fetched once before it is declared missing (AZDO_BRANCH_NOT_FOUND, AZDO_VERSION_NOT_FOUND).
   */
  commitOf(ref: string | VersionDescriptor): Promise<string>;
  /** The remote with the connection's credential, for git commands that reach the server (lazy blobs, submodules). Clean it up. */
  remote(): Promise<GitRemote>;
}

function candidates(ref: string | VersionDescriptor): string[] {
  if (typeof ref !== 'string') {
    if (ref.type === 'branch') return [`refs/heads/${ref.value.replace(/^refs\/heads\//, '')}`];
    if (ref.type === 'tag') return [`refs/tags/${ref.value.replace(/^refs\/tags\//, '')}`];
    return [ref.value];
  }
  if (ref.startsWith('refs/')) return [ref];
  const named = [`refs/heads/${ref}`, `refs/tags/${ref}`];
  return /^[0-9a-f]{4,64}$/i.test(ref) ? [...named, ref] : named;
}

/** A mirror ready to read: fetched first if it does not exist yet. */
export async function ensureMirror(connections: ConnectionService, target: RepositoryTarget, o: FetchRepositoryOptions = {}): Promise<EnsuredMirror> {
  let identity = await identifyMirror(connections, target, o);
  if (!(await mirrorExists(identity.dir))) {
    await fetchIdentified(connections, identity, o);
    identity = await identifyMirror(connections, target, o);
  }
  const record = identity.record ?? (await getMirror(connections.store.db, { connectionId: identity.connection.id, repositoryId: identity.repositoryId }));
  const dir = identity.dir;
  const resolve = async (ref: string | VersionDescriptor): Promise<string | undefined> => {
    for (const candidate of candidates(ref)) {
      const id = await resolveCommit(dir, candidate);
      if (id) return id;
    }
    return undefined;
  };
  const r = { project: identity.project, repository: identity.name };
  return {
    path: dir,
    repositoryId: identity.repositoryId,
    project: identity.project,
    name: identity.name,
    partial: record?.filter === 'blob:none',
    empty: record?.status === 'empty',
    async commitOf(ref) {
      let id = await resolve(ref);
      if (id === undefined) {
        // Pushed since the last fetch, perhaps: one fetch decides.
        await fetchIdentified(connections, identity, o);
        id = await resolve(ref);
      }
      if (id !== undefined) return id;
      const version: VersionDescriptor = typeof ref === 'string' ? { type: /^[0-9a-f]{7,64}$/i.test(ref) ? 'commit' : 'branch', value: ref } : ref;
      if (version.type === 'branch') throw branchNotFound(r, version.value.replace(/^refs\/heads\//, ''), identity.connection.name);
      throw versionNotFound(r, version, identity.connection.name);
    },
    remote: () => gitRemoteFor(identity.connection, connections.endpoints, identity.project, identity.name),
  };
}
