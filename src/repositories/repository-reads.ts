// Reads of one opened repository (see repository-access.ts). Each is one or two requests; browse-service.ts and
// resolve.ts open the repository once and call these.
import {
  getCommit,
  getItem,
  getItemContent,
  getPullRequest,
  getPullRequestCommits,
  listCommits,
  listItems,
  listPullRequests,
  listRefs,
  type GitCommitRef,
  type GitItem,
  type GitPullRequest,
  type GitRef,
  type GitRepository,
  type GitVersion,
  type PullRequestStatus,
} from '../azure/api/index.js';
import type { AzdoError } from '../errors/azdo-error.js';
import { assertNotEmpty, repositoryState, shortBranch, translateReadError, type OpenRepository, type RepositoryState } from './repository-access.js';
import { branchNotFound, pathIsFolder, pullRequestNotFound, tfCodeOfError, versionNotFound } from './repository-errors.js';

export interface RepositorySummary {
  id: string;
  name: string;
  project: { id: string; name: string };
  /** 'empty': no commits yet; 'disabled': its content cannot be read. Neither is an error. */
  state: RepositoryState;
  /** Without "refs/heads/"; absent when empty. */
  defaultBranch?: string;
  size?: number;
  remoteUrl?: string;
  sshUrl?: string;
  webUrl?: string;
  /** Whether the connection's selection includes it (listings show only selected ones unless asked). */
  selected: boolean;
}

export interface RefSummary {
  /** Short: "main", "feature/x", "v1.0". */
  name: string;
  /** The full ref: "refs/heads/main". */
  ref: string;
  /** The commit (tags: the commit an annotated tag points at). */
  commitId: string;
  isDefault?: boolean;
}

export interface CommitQuery {
  version: GitVersion;
  author?: string;
  fromDate?: Date | string;
  toDate?: Date | string;
  path?: string;
  /** Commits in the page. Default 100. */
  top?: number;
  skip?: number;
  /** Commits per request to Azure DevOps. Default 100. */
  pageSize?: number;
}

export interface CommitPage {
  commits: GitCommitRef[];
  /** The branch, tag or commit listed from. */
  version: GitVersion;
  /** More commits match beyond this page (ask again with skip += commits.length). */
  hasMore: boolean;
}

export interface TreeEntry {
  path: string;
  type: 'file' | 'folder' | 'submodule' | 'symlink';
  objectId: string;
}

export interface Tree {
  path: string;
  version: GitVersion;
  commitId: string;
  entries: TreeEntry[];
}

export interface FileContent {
  path: string;
  objectId: string;
  commitId: string;
  content: Buffer;
}

export function summarize(r: GitRepository, selected: boolean): RepositorySummary {
  return {
    id: r.id,
    name: r.name,
    project: { id: r.project.id, name: r.project.name },
    state: repositoryState(r),
    ...(r.defaultBranch ? { defaultBranch: shortBranch(r.defaultBranch) } : {}),
    ...(r.size !== undefined ? { size: r.size } : {}),
    ...(r.remoteUrl ? { remoteUrl: r.remoteUrl } : {}),
    ...(r.sshUrl ? { sshUrl: r.sshUrl } : {}),
    ...(r.webUrl ? { webUrl: r.webUrl } : {}),
    selected,
  };
}

/** The version to read when none was named: the default branch. */
export function defaultVersion(open: OpenRepository, asked?: GitVersion): GitVersion {
  if (asked) return asked;
  assertNotEmpty(open);
  return { type: 'branch', value: open.defaultBranch! };
}

async function collectRefs(open: OpenRepository, filter: string, peelTags = false): Promise<GitRef[]> {
  const refs: GitRef[] = [];
  try {
    for await (const page of listRefs(open.client, open.name.project, open.repository.id, { filter, peelTags })) refs.push(...page);
  } catch (error) {
    throw translateReadError(open, error, {});
  }
  return refs;
}

const branchOf = (open: OpenRepository, r: GitRef): RefSummary => ({
  name: shortBranch(r.name),
  ref: r.name,
  commitId: r.objectId,
  isDefault: shortBranch(r.name) === open.defaultBranch,
});

/** Default branch first, then by name. */
export async function branchesIn(open: OpenRepository): Promise<RefSummary[]> {
  return (await collectRefs(open, 'heads/'))
    .map((r) => branchOf(open, r))
    .sort((a, b) => Number(b.isDefault) - Number(a.isDefault) || a.name.localeCompare(b.name));
}

export async function tagsIn(open: OpenRepository): Promise<RefSummary[]> {
  return (await collectRefs(open, 'tags/', true))
    .map((r) => ({ name: r.name.replace(/^refs\/tags\//, ''), ref: r.name, commitId: r.peeledObjectId ?? r.objectId }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** `filter` is a prefix, so "heads/main" also returns "heads/main-old": the exact name is picked from those. */
export async function branchIn(open: OpenRepository, branch: string): Promise<RefSummary> {
  assertNotEmpty(open);
  const full = `refs/heads/${branch}`.toLowerCase();
  const ref = (await collectRefs(open, `heads/${branch}`)).find((r) => r.name.toLowerCase() === full);
  if (!ref) throw branchNotFound(open.name, branch, open.connection.name);
  return branchOf(open, ref);
}

export async function tagIn(open: OpenRepository, tag: string): Promise<RefSummary> {
  assertNotEmpty(open);
  const found = (await tagsIn(open)).find((t) => t.name.toLowerCase() === tag.toLowerCase());
  if (!found) throw versionNotFound(open.name, { type: 'tag', value: tag }, open.connection.name);
  return found;
}

export async function commitIn(open: OpenRepository, commitId: string): Promise<GitCommitRef> {
  assertNotEmpty(open);
  try {
    return await getCommit(open.client, open.name.project, open.repository.id, commitId);
  } catch (error) {
    throw translateReadError(open, error, { version: { type: 'commit', value: commitId } });
  }
}

export async function commitsIn(open: OpenRepository, q: CommitQuery): Promise<CommitPage> {
  assertNotEmpty(open);
  const top = Math.max(1, q.top ?? 100);
  const commits: GitCommitRef[] = [];
  try {
    // One commit past the page tells whether there are more.
    const pages = listCommits(open.client, open.name.project, open.repository.id, {
      version: q.version,
      ...(q.author !== undefined ? { author: q.author } : {}),
      ...(q.fromDate !== undefined ? { fromDate: q.fromDate } : {}),
      ...(q.toDate !== undefined ? { toDate: q.toDate } : {}),
      ...(q.path !== undefined ? { path: q.path } : {}),
      ...(q.skip !== undefined ? { skip: q.skip } : {}),
      ...(q.pageSize !== undefined ? { pageSize: q.pageSize } : {}),
      top: top + 1,
    });
    for await (const page of pages) commits.push(...page);
  } catch (error) {
    throw translateReadError(open, error, { version: q.version });
  }
  return { commits: commits.slice(0, top), version: q.version, hasMore: commits.length > top };
}

export async function pullRequestsIn(open: OpenRepository, o: { status?: PullRequestStatus; top?: number } = {}): Promise<GitPullRequest[]> {
  const found: GitPullRequest[] = [];
  const top = o.top ?? Infinity;
  for await (const page of listPullRequests(open.client, open.name.project, open.repository.id, { status: o.status ?? 'active' })) {
    found.push(...page);
    if (found.length >= top) break;
  }
  return found.slice(0, top);
}

export async function pullRequestIn(open: OpenRepository, id: number): Promise<{ pullRequest: GitPullRequest; commits: GitCommitRef[] }> {
  const notFound = (cause?: AzdoError) => pullRequestNotFound(open.name.project, id, open.connection.name, cause);
  if (!Number.isSafeInteger(id) || id < 1) throw notFound();
  let pullRequest: GitPullRequest;
  try {
    pullRequest = await getPullRequest(open.client, open.name.project, id);
  } catch (error) {
    if (tfCodeOfError(error) === 'TF401180') throw notFound(error as AzdoError);
    throw error;
  }
  // Ids are unique in the whole collection: one of another repository is not found in this one.
  if (pullRequest.repository.id.toLowerCase() !== open.repository.id.toLowerCase()) throw notFound();
  const commits: GitCommitRef[] = [];
  for await (const page of getPullRequestCommits(open.client, open.name.project, open.repository.id, id)) commits.push(...page);
  return { pullRequest, commits };
}

export function entryType(item: GitItem): TreeEntry['type'] {
  if (item.gitObjectType === 'commit') return 'submodule';
  if (item.isSymLink) return 'symlink';
  return item.isFolder || item.gitObjectType === 'tree' ? 'folder' : 'file';
}

export async function itemIn(open: OpenRepository, path: string, version: GitVersion): Promise<GitItem> {
  try {
    return await getItem(open.client, open.name.project, open.repository.id, path, { version });
  } catch (error) {
    throw translateReadError(open, error, { version, path });
  }
}

export async function treeIn(open: OpenRepository, path: string, version: GitVersion, recursive = false): Promise<Tree> {
  let items: GitItem[];
  try {
    items = await listItems(open.client, open.name.project, open.repository.id, { scopePath: path, recursion: recursive ? 'full' : 'oneLevel', version });
  } catch (error) {
    throw translateReadError(open, error, { version, path });
  }
  const [scope, ...rest] = items;
  return {
    path: scope?.path ?? path,
    version,
    commitId: scope?.commitId ?? '',
    entries: rest.map((i) => ({ path: i.path, type: entryType(i), objectId: i.objectId })),
  };
}

/** Metadata first, then the bytes by its commit, so both describe the same file even if the branch moves between. */
export async function fileIn(open: OpenRepository, path: string, version: GitVersion, known?: GitItem): Promise<FileContent> {
  const item = known ?? (await itemIn(open, path, version));
  if (entryType(item) === 'folder') throw pathIsFolder(open.name, item.path, open.connection.name);
  let content: Buffer;
  try {
    content = await getItemContent(open.client, open.name.project, open.repository.id, item.path, { version: { type: 'commit', value: item.commitId } });
  } catch (error) {
    throw translateReadError(open, error, { version, path });
  }
  return { path: item.path, objectId: item.objectId, commitId: item.commitId, content };
}
