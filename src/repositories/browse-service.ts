// Browsing through a connection: repositories, branches and tags, commits, pull requests, trees and files. The CLI
// calls these, and the service will call them unchanged. Each opens the repository (one request, which also checks
// the selection and that it is readable) and reads what was asked.
import { listRepositories as apiListRepositories, type GitCommitRef, type GitPullRequest, type GitVersion, type ListCommitsOptions as AzureListCommitsOptions, type PullRequestStatus } from '../azure/api/index.js';
import type { ConnectionService } from '../connections/connection-service.js';
import { clientForConnection } from './connection-client.js';
import { withRepository } from './repository-access.js';
import {
  branchesIn,
  branchIn,
  commitIn,
  commitsIn,
  defaultVersion,
  fileIn,
  pullRequestIn,
  pullRequestsIn,
  summarize,
  tagsIn,
  treeIn,
  type CommitPage,
  type FileContent,
  type RefSummary,
  type RepositorySummary,
  type Tree,
} from './repository-reads.js';
import type { RepositoryTarget } from './repository-target.js';
import { getRepositorySelection, isSelected } from './selection.js';

export type { CommitPage, FileContent, RefSummary, RepositorySummary, Tree, TreeEntry } from './repository-reads.js';
export type { RepositoryState } from './repository-access.js';

/**
 * The connection's repositories, in ONE request for the whole organization or collection (not one per project),
 * ordered by project and name; empty and disabled ones are listed with that state. Only selected repositories unless
 * `includeUnselected`.
 */
export async function listRepositories(
  connections: ConnectionService,
  connectionName: string,
  o: { project?: string; includeUnselected?: boolean } = {},
): Promise<RepositorySummary[]> {
  const connection = await connections.getConnection(connectionName);
  const selection = await getRepositorySelection(connections, connection);
  const client = clientForConnection(connection, connections.endpoints);
  try {
    const all = await apiListRepositories(client, o.project !== undefined ? { project: o.project } : {});
    return all
      .map((r) => summarize(r, isSelected(selection, { id: r.id, project: r.project.name, name: r.name })))
      .filter((r) => o.includeUnselected || r.selected)
      .sort((a, b) => a.project.name.localeCompare(b.project.name) || a.name.localeCompare(b.name));
  } finally {
    client.close();
  }
}

/** The repository itself, also when empty or disabled. */
export async function getRepositorySummary(connections: ConnectionService, target: RepositoryTarget): Promise<RepositorySummary> {
  return withRepository(connections, target, async (open) => summarize(open.repository, true), { allowUnreadable: true });
}

/** Default branch first, then by name. An empty repository has none (not an error). */
export async function listBranches(connections: ConnectionService, target: RepositoryTarget): Promise<RefSummary[]> {
  return withRepository(connections, target, branchesIn);
}

export async function listTags(connections: ConnectionService, target: RepositoryTarget): Promise<RefSummary[]> {
  return withRepository(connections, target, tagsIn);
}

/** One branch with its tip commit. */
export async function getBranch(connections: ConnectionService, target: RepositoryTarget, branch: string): Promise<{ branch: RefSummary; commit: GitCommitRef }> {
  return withRepository(connections, target, async (open) => {
    const found = await branchIn(open, branch);
    return { branch: found, commit: await commitIn(open, found.commitId) };
  });
}

/** The client's filters (branch, version, author, dates, path, pageSize), plus one page of the result. */
export interface ListCommitsOptions extends AzureListCommitsOptions {
  /** Commits in the page. Default 100. */
  top?: number;
  skip?: number;
}

/** A page of a branch's commits, newest first, filtered by author, dates and path. */
export async function listCommits(connections: ConnectionService, target: RepositoryTarget, o: ListCommitsOptions = {}): Promise<CommitPage> {
  return withRepository(connections, target, async (open) => {
    const { branch, version: asked, ...query } = o;
    const version = defaultVersion(open, asked ?? (branch !== undefined ? { type: 'branch', value: branch } : target.version));
    return commitsIn(open, { ...query, version });
  });
}

/** Pull requests of the repository; active ones unless another status is asked for ('all' for every one). */
export async function listPullRequests(
  connections: ConnectionService,
  target: RepositoryTarget,
  o: { status?: PullRequestStatus; top?: number } = {},
): Promise<GitPullRequest[]> {
  return withRepository(connections, target, (open) => pullRequestsIn(open, o));
}

/** One pull request of the repository (by default the one the target's URL named), with its commits. */
export async function getPullRequestWithCommits(
  connections: ConnectionService,
  target: RepositoryTarget,
  pullRequestId = target.pullRequestId ?? 0,
): Promise<{ pullRequest: GitPullRequest; commits: GitCommitRef[] }> {
  return withRepository(connections, target, (open) => pullRequestIn(open, pullRequestId));
}

/** The files and folders under `path` (default the target's, then the root) at a version, one level or all. */
export async function getTree(
  connections: ConnectionService,
  target: RepositoryTarget,
  o: { path?: string; version?: GitVersion; recursive?: boolean } = {},
): Promise<Tree> {
  return withRepository(connections, target, (open) =>
    treeIn(open, o.path ?? target.path ?? '/', defaultVersion(open, o.version ?? target.version), o.recursive),
  );
}

/** A file's bytes at a version (default the target's, then the default branch). */
export async function getFile(connections: ConnectionService, target: RepositoryTarget, o: { path?: string; version?: GitVersion } = {}): Promise<FileContent> {
  return withRepository(connections, target, (open) => fileIn(open, o.path ?? target.path ?? '/', defaultVersion(open, o.version ?? target.version)));
}
