// Pull requests of a repository, by status; each links to Azure DevOps.
import { useQuery } from '@tanstack/react-query';
import { listPullRequests, type PullRequest, type PullRequestStatus } from '../../api/client.js';
import { Badge, type Tone } from '../../components/Badge.js';
import { EmptyState } from '../../components/EmptyState.js';
import { FilterSelect } from '../../components/FilterSelect.js';
import { QueryState } from '../../components/QueryState.js';
import { TimeAgo } from '../../components/Time.js';

const STATUS: Record<PullRequest['status'], { tone: Tone; text: string }> = {
  active: { tone: 'info', text: 'Active' },
  completed: { tone: 'success', text: 'Completed' },
  abandoned: { tone: 'neutral', text: 'Abandoned' },
  notSet: { tone: 'neutral', text: 'Unknown' },
};

const FILTERS: Array<{ value: PullRequestStatus; text: string }> = [
  { value: 'active', text: 'Active' },
  { value: 'completed', text: 'Completed' },
  { value: 'abandoned', text: 'Abandoned' },
  { value: 'all', text: 'All' },
];

export function PullRequestsTab({ connectionId, repo, status, onStatus }: { connectionId: string; repo: string; status: PullRequestStatus; onStatus: (s: PullRequestStatus) => void }) {
  const query = useQuery({
    queryKey: ['connection', connectionId, 'repository', repo, 'pull-requests', status],
    queryFn: () => listPullRequests(connectionId, repo, status),
  });
  const items = query.data?.items ?? [];
  return (
    <div>
      <div className="toolbar">
        <FilterSelect label="Status" value={status} options={FILTERS} onChange={(s) => onStatus(s as PullRequestStatus)} />
      </div>
      <QueryState
        query={query}
        items={items}
        loading="Loading pull requests…"
        empty={<EmptyState title="No pull requests">{status === 'all' ? 'This repository has none.' : `None is ${status}.`}</EmptyState>}
      >
        <ul className="pr-list" aria-label="Pull requests">
          {items.map((pr) => (
            <li key={pr.pullRequestId} className="pr">
              <p className="pr-title">
                <span className="muted">!{pr.pullRequestId}</span>{' '}
                {pr.webUrl ? (
                  <a href={pr.webUrl} target="_blank" rel="noreferrer noopener">
                    {pr.title}
                  </a>
                ) : (
                  pr.title
                )}{' '}
                <Badge tone={STATUS[pr.status].tone}>{STATUS[pr.status].text}</Badge> {pr.isDraft ? <Badge>Draft</Badge> : null}
              </p>
              <p className="pr-meta">
                <code>{pr.sourceBranch}</code> → <code>{pr.targetBranch}</code> · {pr.createdBy?.displayName ?? 'someone'} · opened <TimeAgo value={pr.creationDate} />
              </p>
            </li>
          ))}
        </ul>
      </QueryState>
    </div>
  );
}
