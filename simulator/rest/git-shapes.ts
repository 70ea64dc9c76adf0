import type { GitCommitInfo } from '../git/git-repo.js';
import type { AdoRequest } from '../http/ado-request.js';
import type { RepositorySummary } from '../runtime/repositories.js';
import type { Project, Repository } from '../state/model.js';
import { projectReference } from './shapes.js';

/** JSON shapes of the git area, built on the URL the client called (FACTS §2.3, §2.5). */

export function repositoryApiUrl(ado: AdoRequest, repository: Repository): string {
  return `${ado.baseUrl}/_apis/git/repositories/${repository.id}`;
}

export function repositoryWebUrl(ado: AdoRequest, project: Project, repository: Repository): string {
  return `${ado.baseUrl}/${encodeURIComponent(project.name)}/_git/${encodeURIComponent(repository.name)}`;
}

/** The SSH clone URL: `git@host:v3/{org}/{project}/{repo}` on Services, `ssh://host:port/{collection}/{project}/_git/{repo}` on Server. */
export function repositorySshUrl(ado: AdoRequest, project: Project, repository: Repository, sshPort: number | undefined): string | undefined {
  if (sshPort === undefined) return undefined;
  const hostname = new URL(ado.origin).hostname;
  const enc = encodeURIComponent;
  if (ado.host.kind === 'server') {
    return `ssh://${hostname}:${sshPort}${ado.mount}/${enc(ado.host.name)}/${enc(project.name)}/_git/${enc(repository.name)}`;
  }
  return `ssh://git@${hostname}:${sshPort}/v3/${enc(ado.host.name)}/${enc(project.name)}/${enc(repository.name)}`;
}

export function repositoryJson(
  ado: AdoRequest,
  project: Project,
  repository: Repository,
  summary: RepositorySummary,
  sshPort: number | undefined,
  o: { links?: boolean } = {},
): Record<string, unknown> {
  const url = repositoryApiUrl(ado, repository);
  const webUrl = repositoryWebUrl(ado, project, repository);
  const sshUrl = repositorySshUrl(ado, project, repository, sshPort);
  return {
    id: repository.id,
    name: repository.name,
    url,
    project: projectReference(ado, project),
    // An empty repository has no default branch (FACTS §2.3).
    ...(summary.defaultBranch ? { defaultBranch: summary.defaultBranch } : {}),
    size: summary.size,
    remoteUrl: webUrl,
    ...(sshUrl ? { sshUrl } : {}),
    webUrl,
    isDisabled: repository.isDisabled,
    isInMaintenance: false,
    ...(o.links
      ? {
          _links: {
            self: { href: url },
            project: { href: `vstfs:///Classification/TeamProject/${project.id}` },
            web: { href: webUrl },
            ssh: sshUrl ? { href: sshUrl } : undefined,
            commits: { href: `${url}/commits` },
            refs: { href: `${url}/refs` },
            pullRequests: { href: `${url}/pullRequests` },
            items: { href: `${url}/items` },
            pushes: { href: `${url}/pushes` },
          },
        }
      : {}),
  };
}

export function commitJson(
  ado: AdoRequest,
  project: Project,
  repository: Repository,
  commit: GitCommitInfo,
  o: { changeCounts?: { Add: number; Edit: number; Delete: number }; truncateAt?: number } = {},
): Record<string, unknown> {
  const limit = o.truncateAt ?? 100;
  const truncated = commit.comment.length > limit;
  return {
    commitId: commit.commitId,
    author: { name: commit.author.name, email: commit.author.email, date: commit.author.date.toISOString() },
    committer: { name: commit.committer.name, email: commit.committer.email, date: commit.committer.date.toISOString() },
    comment: truncated ? commit.comment.slice(0, limit) : commit.comment,
    ...(truncated ? { commentTruncated: true } : {}),
    ...(o.changeCounts ? { changeCounts: o.changeCounts } : {}),
    url: `${ado.baseUrl}/${project.id}/_apis/git/repositories/${repository.id}/commits/${commit.commitId}`,
    remoteUrl: `${repositoryWebUrl(ado, project, repository)}/commit/${commit.commitId}`,
  };
}
