import type { AzdoClient, QueryValue } from '../client/index.js';
import type { GitCommitRef, GitVersion } from './git-types.js';
import { repositoryPath, segment } from './path.js';

export interface ListCommitsOptions {
  /** Shorthand for `version: {type: 'branch', value}`. */
  branch?: string;
  version?: GitVersion;
  /** Matched by Azure DevOps against the author's name and e-mail. */
  author?: string;
  fromDate?: Date | string;
  toDate?: Date | string;
  /** Only commits that changed this file or folder ("/src"). */
  path?: string;
  /** Commits per request. Default 100. */
  pageSize?: number;
  /** Commits to leave out at the start. */
  skip?: number;
  /** Stop after this many commits. */
  top?: number;
}

const iso = (d: Date | string): string => (typeof d === 'string' ? d : d.toISOString());

/** The search criteria of a commits query, as Azure DevOps names them (FACTS §2.5). */
export function commitCriteria(o: ListCommitsOptions): Record<string, QueryValue> {
  const version = o.version ?? (o.branch !== undefined ? { type: 'branch' as const, value: o.branch } : undefined);
  return {
    ...(version ? { 'searchCriteria.itemVersion.version': version.value, 'searchCriteria.itemVersion.versionType': version.type } : {}),
    ...(o.author !== undefined ? { 'searchCriteria.author': o.author } : {}),
    ...(o.fromDate !== undefined ? { 'searchCriteria.fromDate': iso(o.fromDate) } : {}),
    ...(o.toDate !== undefined ? { 'searchCriteria.toDate': iso(o.toDate) } : {}),
    ...(o.path !== undefined && o.path !== '' && o.path !== '/' ? { 'searchCriteria.itemPath': o.path } : {}),
  };
}

/**
 * Commits newest first, a page per request ($top/$skip: the commits listing has no continuation tokens). `skip` and
 * `top` select a window of the whole listing; pages never ask for more than the window still needs.
 */
export async function* listCommits(
  client: AzdoClient,
  project: string,
  repository: string,
  o: ListCommitsOptions = {},
): AsyncGenerator<GitCommitRef[], void, undefined> {
  const pageSize = Math.max(1, o.pageSize ?? 100);
  const path = `${repositoryPath(project, repository)}/commits`;
  const criteria = commitCriteria(o);
  let skip = Math.max(0, o.skip ?? 0);
  let left = o.top ?? Infinity;
  while (left > 0) {
    const top = Math.min(pageSize, left);
    const response = await client.get<{ value: GitCommitRef[] }>(path, { query: { ...criteria, 'searchCriteria.$top': top, 'searchCriteria.$skip': skip || undefined } });
    const page = response.data.value ?? [];
    if (page.length > 0) yield page;
    if (page.length < top) return;
    skip += page.length;
    left -= page.length;
  }
}

export async function getCommit(client: AzdoClient, project: string, repository: string, commitId: string): Promise<GitCommitRef> {
  return (await client.get<GitCommitRef>(`${repositoryPath(project, repository)}/commits/${segment(commitId)}`)).data;
}
