import type { GitCommitInfo } from '../git/git-repo.js';
import type { AdoRequest } from '../http/ado-request.js';
import type { SimulatorContext } from '../runtime/context.js';
import type { Project, PullRequest, Repository } from '../state/model.js';
import { repositoryApiUrl, repositoryWebUrl } from './git-shapes.js';
import { identityReference, projectReference } from './shapes.js';

/**
 * GitPullRequest as Azure DevOps renders it (FACTS §2.7, the spec's pullRequests examples). Listings carry commit
 * references only; a single pull request also shows who made its last merge commit and with what message.
 */
export function pullRequestJson(
  ctx: SimulatorContext,
  ado: AdoRequest,
  project: Project,
  repository: Repository,
  pr: PullRequest,
  o: { links: boolean; lastMergeCommit?: GitCommitInfo; extra?: Record<string, unknown> },
): Record<string, unknown> {
  const state = ctx.store.state;
  const repoUrl = repositoryApiUrl(ado, repository);
  const url = `${repoUrl}/pullRequests/${pr.pullRequestId}`;
  const commitRef = (commitId: string | undefined) => (commitId ? { commitId, url: `${repoUrl}/commits/${commitId}` } : undefined);
  const mergeCommit = o.lastMergeCommit && o.lastMergeCommit.commitId === pr.lastMergeCommit ? o.lastMergeCommit : undefined;
  const createdBy = identityReference(state, ado, pr.createdById);
  const body: Record<string, unknown> = {
    repository: {
      id: repository.id,
      name: repository.name,
      url: repoUrl,
      project: projectReference(ado, project),
      remoteUrl: repositoryWebUrl(ado, project, repository),
    },
    pullRequestId: pr.pullRequestId,
    codeReviewId: pr.pullRequestId,
    status: pr.status,
    createdBy,
    creationDate: pr.creationDate,
    ...(pr.closedDate ? { closedDate: pr.closedDate } : {}),
    ...(pr.closedById ? { closedBy: identityReference(state, ado, pr.closedById) } : {}),
    title: pr.title,
    // Azure DevOps leaves the field out rather than sending an empty description.
    ...(pr.description ? { description: pr.description } : {}),
    sourceRefName: pr.sourceRefName,
    targetRefName: pr.targetRefName,
    mergeStatus: pr.mergeStatus,
    isDraft: pr.isDraft,
    mergeId: pr.mergeId,
    ...(pr.lastMergeSourceCommit ? { lastMergeSourceCommit: commitRef(pr.lastMergeSourceCommit) } : {}),
    ...(pr.lastMergeTargetCommit ? { lastMergeTargetCommit: commitRef(pr.lastMergeTargetCommit) } : {}),
    ...(pr.lastMergeCommit
      ? {
          lastMergeCommit: mergeCommit
            ? {
                commitId: mergeCommit.commitId,
                author: gitUserDate(mergeCommit.author),
                committer: gitUserDate(mergeCommit.committer),
                comment: mergeCommit.comment,
                url: `${repoUrl}/commits/${mergeCommit.commitId}`,
              }
            : commitRef(pr.lastMergeCommit),
        }
      : {}),
    reviewers: pr.reviewers.map((r) => ({
      reviewerUrl: `${url}/reviewers/${r.id}`,
      vote: r.vote,
      hasDeclined: false,
      isFlagged: false,
      ...(r.isRequired ? { isRequired: true } : {}),
      ...identityReference(state, ado, r.id),
    })),
    url,
    supportsIterations: true,
    artifactId: `vstfs:///Git/PullRequestId/${project.id}%2f${repository.id}%2f${pr.pullRequestId}`,
    ...o.extra,
  };
  if (o.links) {
    body['_links'] = {
      self: { href: url },
      repository: { href: repoUrl },
      workItems: { href: `${url}/workitems` },
      sourceBranch: { href: `${repoUrl}/refs` },
      targetBranch: { href: `${repoUrl}/refs` },
      ...(pr.lastMergeSourceCommit ? { sourceCommit: { href: `${repoUrl}/commits/${pr.lastMergeSourceCommit}` } } : {}),
      ...(pr.lastMergeTargetCommit ? { targetCommit: { href: `${repoUrl}/commits/${pr.lastMergeTargetCommit}` } } : {}),
      createdBy: { href: createdBy['url'] },
      iterations: { href: `${url}/iterations` },
    };
  }
  return body;
}

function gitUserDate(who: GitCommitInfo['author']): Record<string, string> {
  return { name: who.name, email: who.email, date: who.date.toISOString() };
}
