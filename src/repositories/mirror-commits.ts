// Commits of a branch as pickers need them: read from the mirror (one `git log`, no request to Azure DevOps), paged,
// with the commits users hid left out unless asked for. Hiding only marks a commit; it stays in the mirror.
import type { VersionDescriptor } from '../azure/urls.js';
import type { ConnectionService } from '../connections/connection-service.js';
import { AzdoError } from '../errors/azdo-error.js';
import { mirrorExists, mirrorIsEmpty } from '../git/mirror.js';
import { headBranch, readCommitIds, readCommits, readLog, resolveCommit, UnknownRevisionError, type LogCommit } from '../git/mirror-log.js';
import { hiddenCommits, hideCommit as markHidden, unhideCommit as unmarkHidden } from '../store/hidden-commits-repo.js';
import { getMirror } from '../store/mirrors-repo.js';
import { fetchIdentified, type FetchRepositoryOptions } from './mirror-fetch.js';
import { identifyMirror, type MirrorIdentity, type MirrorOptions } from './mirror-identity.js';
import { branchNotFound, versionNotFound } from './repository-errors.js';
import type { RepositoryTarget } from './repository-target.js';

export const COMMIT_ID_INVALID = 'AZDO_COMMIT_ID_INVALID';
export const PAGING_INVALID = 'AZDO_PAGING_INVALID';
export const MAX_COMMITS_PAGE = 100_000;

export interface MirrorCommit extends LogCommit {
  hidden: boolean;
  hiddenAt?: string;
}

export interface ListMirrorCommitsOptions extends MirrorOptions {
  /** Default: the branch the target's URL named, else the repository's default branch. */
  branch?: string;
  /** Default 100. */
  top?: number;
  skip?: number;
  /** List hidden commits too (marked `hidden: true`). */
  includeHidden?: boolean;
  /** Called before the first fetch when the repository has no mirror yet (it is fetched then). */
  fetch?: Omit<FetchRepositoryOptions, keyof MirrorOptions>;
}

export interface MirrorCommitPage {
  project: string;
  repository: string;
  /** The branch listed (without refs/heads/), or the tag or commit the target named. */
  ref: string;
  commits: MirrorCommit[];
  /** More commits follow this page. */
  hasMore: boolean;
  /** The repository has no commits at all. */
  empty: boolean;
  lastFetchedAt?: string;
}

/** The mirror, fetched first if it does not exist yet. */
async function readyMirror(connections: ConnectionService, target: RepositoryTarget, o: ListMirrorCommitsOptions): Promise<MirrorIdentity> {
  const identity = await identifyMirror(connections, target, o);
  if (await mirrorExists(identity.dir)) return identity;
  await fetchIdentified(connections, identity, { ...o.fetch, ...(o.dataDir ? { dataDir: o.dataDir } : {}) });
  return identifyMirror(connections, target, o);
}

function pageSize(value: number | undefined, fallback: number, name: string): number {
  const n = value ?? fallback;
  if (!Number.isInteger(n) || n < 0 || n > MAX_COMMITS_PAGE) {
    throw new AzdoError(PAGING_INVALID, `${name} must be a whole number from 0 to ${MAX_COMMITS_PAGE}.`, `Give ${name} as a number, e.g. 100.`, { field: name });
  }
  return n;
}

/** Commits of a branch, newest first, from the mirror. An empty repository gives an empty page, not an error. */
export async function listMirrorCommits(connections: ConnectionService, target: RepositoryTarget, o: ListMirrorCommitsOptions = {}): Promise<MirrorCommitPage> {
  const top = pageSize(o.top, 100, 'top');
  const skip = pageSize(o.skip, 0, 'skip');
  const identity = await readyMirror(connections, target, o);
  const key = { connectionId: identity.connection.id, repositoryId: identity.repositoryId };
  const [hidden, record, head] = await Promise.all([hiddenCommits(connections.store.db, key), getMirror(connections.store.db, key), headBranch(identity.dir)]);
  const version: VersionDescriptor | undefined = o.branch !== undefined ? { type: 'branch', value: o.branch.replace(/^refs\/heads\//, '') } : target.version;
  const ref = version?.value ?? head ?? 'main';
  const revision = version?.type === 'commit' ? version.value : version?.type === 'tag' ? `refs/tags/${ref}` : `refs/heads/${ref}`;
  const base = { project: identity.project, repository: identity.name, ref, ...(record?.lastFetchedAt ? { lastFetchedAt: record.lastFetchedAt } : {}) };

  // Hidden commits are left out before paging, so the ids walked are enough for the page even if all hidden ones were
  // among them; only the page's commits are formatted (a page deep in the branch would otherwise format thousands).
  const filtering = !o.includeHidden && hidden.size > 0;
  let log: LogCommit[];
  try {
    if (!filtering) log = await readLog(identity.dir, { revision, maxCount: top + 1, skip });
    else if (skip === 0) log = (await readLog(identity.dir, { revision, maxCount: top + 1 + hidden.size })).filter((c) => !hidden.has(c.commitId));
    else {
      const ids = (await readCommitIds(identity.dir, { revision, maxCount: skip + top + 1 + hidden.size })).filter((id) => !hidden.has(id));
      log = await readCommits(identity.dir, ids.slice(skip, skip + top + 1));
    }
  } catch (error) {
    if (!(error instanceof UnknownRevisionError)) throw error;
    if (await mirrorIsEmpty(identity.dir)) return { ...base, commits: [], hasMore: false, empty: true };
    const r = { project: identity.project, repository: identity.name };
    if (version === undefined || version.type === 'branch') throw branchNotFound(r, ref, identity.connection.name);
    throw versionNotFound(r, version, identity.connection.name);
  }
  const commits = log.slice(0, top).map((c): MirrorCommit => {
    const at = hidden.get(c.commitId);
    return { ...c, hidden: at !== undefined, ...(at !== undefined ? { hiddenAt: at } : {}) };
  });
  return { ...base, commits, hasMore: log.length > top, empty: false };
}

function commitIdInvalid(value: string, hint: string): AzdoError {
  return new AzdoError(COMMIT_ID_INVALID, `"${value.slice(0, 80)}" is not a commit id.`, hint, { field: 'commitId' });
}

/** A full id for `value` (full or abbreviated): from the mirror when it has the commit. */
async function fullCommitId(identity: MirrorIdentity, value: string, known: Iterable<string> = []): Promise<string> {
  const text = value.trim().toLowerCase();
  if (!/^[0-9a-f]{4,64}$/.test(text)) throw commitIdInvalid(value, 'A commit id is 40 hexadecimal characters (an abbreviation of at least 4 works once the repository is fetched).');
  if (await mirrorExists(identity.dir)) {
    const id = await resolveCommit(identity.dir, text);
    if (id) return id;
  }
  const matches = [...known].filter((k) => k.startsWith(text));
  if (matches.length === 1) return matches[0]!;
  if (/^[0-9a-f]{40}$|^[0-9a-f]{64}$/.test(text)) return text;
  if (!(await mirrorExists(identity.dir))) throw commitIdInvalid(value, 'Give the full 40-character commit id, or fetch the repository first so that abbreviations can be read.');
  throw versionNotFound({ project: identity.project, repository: identity.name }, { type: 'commit', value }, identity.connection.name);
}

export interface HideResult {
  commitId: string;
  hidden: boolean;
  /** False when it already was (or was not) hidden. */
  changed: boolean;
}

/** Leaves the commit out of listings from now on; it stays in the mirror and in Azure DevOps. */
export async function hideCommit(connections: ConnectionService, target: RepositoryTarget, commitId: string, o: MirrorOptions = {}): Promise<HideResult> {
  const identity = await identifyMirror(connections, target, o);
  const id = await fullCommitId(identity, commitId);
  if (await mirrorExists(identity.dir) && !(await resolveCommit(identity.dir, id))) {
    throw versionNotFound({ project: identity.project, repository: identity.name }, { type: 'commit', value: commitId }, identity.connection.name);
  }
  const changed = await markHidden(connections.store.db, { connectionId: identity.connection.id, repositoryId: identity.repositoryId, commitId: id });
  return { commitId: id, hidden: true, changed };
}

/** Shows a hidden commit in listings again. */
export async function unhideCommit(connections: ConnectionService, target: RepositoryTarget, commitId: string, o: MirrorOptions = {}): Promise<HideResult> {
  const identity = await identifyMirror(connections, target, o);
  const key = { connectionId: identity.connection.id, repositoryId: identity.repositoryId };
  const id = await fullCommitId(identity, commitId, (await hiddenCommits(connections.store.db, key)).keys());
  const changed = await unmarkHidden(connections.store.db, { ...key, commitId: id });
  return { commitId: id, hidden: false, changed };
}
