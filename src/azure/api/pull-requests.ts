import type { AzdoClient } from '../client/index.js';
import type { GitCommitRef, GitPullRequest, PullRequestStatus } from './git-types.js';
import { repositoryPath, segment } from './path.js';

export interface ListPullRequestsOptions {
  /** Azure DevOps lists only active pull requests unless told otherwise. */
  status?: PullRequestStatus;
  /** Pull requests per request. Default 100. */
  pageSize?: number;
}

/** Pull requests of one repository, or of every repository of the project when `repository` is undefined. */
export function listPullRequests(
  client: AzdoClient,
  project: string,
  repository: string | undefined,
  o: ListPullRequestsOptions = {},
): AsyncGenerator<GitPullRequest[], void, undefined> {
  const path = repository === undefined ? `${segment(project)}/_apis/git/pullrequests` : `${repositoryPath(project, repository)}/pullrequests`;
  return client.paginate<GitPullRequest>(path, {
    style: 'topSkip',
    pageSize: o.pageSize ?? 100,
    query: { ...(o.status !== undefined ? { 'searchCriteria.status': o.status } : {}) },
  });
}

/** By id alone: pull request ids are unique in a project collection, so no repository is needed. */
export async function getPullRequest(client: AzdoClient, project: string, pullRequestId: number): Promise<GitPullRequest> {
  return (await client.get<GitPullRequest>(`${segment(project)}/_apis/git/pullrequests/${pullRequestId}`)).data;
}

/** The commits of a pull request's source branch that its target lacks, a page at a time (continuation tokens). */
export function getPullRequestCommits(
  client: AzdoClient,
  project: string,
  repository: string,
  pullRequestId: number,
  o: { pageSize?: number } = {},
): AsyncGenerator<GitCommitRef[], void, undefined> {
  return client.paginate<GitCommitRef>(`${repositoryPath(project, repository)}/pullRequests/${pullRequestId}/commits`, {
    ...(o.pageSize !== undefined ? { pageSize: o.pageSize } : {}),
  });
}
