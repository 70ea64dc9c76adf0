import type { PullRequestStatus } from '../../azure/api/index.js';
import { openConnectionService } from '../../connections/open-connection-service.js';
import { getPullRequestWithCommits, listPullRequests } from '../../repositories/browse-service.js';
import { resolveRepositoryArgument } from '../../repositories/repository-target.js';
import { runCommand } from '../cli-output.js';
import { pullRequestsTable, pullRequestText } from '../repository-format.js';

export interface RepoPrsOptions {
  connection?: string;
  status?: PullRequestStatus;
  /** One pull request, with its commits. */
  id?: number;
  top?: number;
  json?: boolean;
}

/** Lists pull requests by status, or shows one (by --id, or the pull request URL given as the repository). */
export async function runRepoPrs(repository: string, o: RepoPrsOptions): Promise<void> {
  await runCommand(o, async (out) => {
    const service = await openConnectionService();
    try {
      const target = await resolveRepositoryArgument(service, repository, o.connection !== undefined ? { connection: o.connection } : {});
      const id = o.id ?? target.pullRequestId;
      if (id !== undefined) {
        const { pullRequest, commits } = await getPullRequestWithCommits(service, target, id);
        out.result({ pullRequest, commits });
        out.print(pullRequestText(pullRequest, commits));
        return;
      }
      const pullRequests = await listPullRequests(service, target, {
        ...(o.status !== undefined ? { status: o.status } : {}),
        ...(o.top !== undefined ? { top: o.top } : {}),
      });
      out.result({ pullRequests });
      out.print(pullRequests.length > 0 ? pullRequestsTable(pullRequests) : `No ${o.status ?? 'active'} pull requests.`);
    } finally {
      await service.close();
    }
  });
}
