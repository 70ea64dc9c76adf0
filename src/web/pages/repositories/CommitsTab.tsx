// A branch's commits, 50 at a time, newest first, from the mirror when there is one. Commits can be hidden from
// pickers (and shown again); hidden ones are listed only with "Show hidden commits".
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { hideCommit, listCommits, unhideCommit, type Branch, type Commit } from '../../api/client.js';
import { Badge } from '../../components/Badge.js';
import { EmptyState } from '../../components/EmptyState.js';
import { FilterSelect } from '../../components/FilterSelect.js';
import { LoadMore } from '../../components/LoadMore.js';
import { ProblemAlert } from '../../components/ProblemAlert.js';
import { QueryState } from '../../components/QueryState.js';
import { TimeAgo } from '../../components/Time.js';
import { useCursorList } from '../../hooks/useCursorList.js';
import { shortId } from './repository-text.js';

function HideButton({ connectionId, repo, commit }: { connectionId: string; repo: string; commit: Commit }) {
  const queryClient = useQueryClient();
  const toggle = useMutation({
    mutationFn: () => (commit.hidden ? unhideCommit(connectionId, repo, commit.commitId) : hideCommit(connectionId, repo, commit.commitId)),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['connection', connectionId, 'repository', repo, 'commits'] }),
  });
  return (
    <>
      <button type="button" className="btn btn-ghost btn-small" disabled={toggle.isPending} onClick={() => toggle.mutate()}>
        {commit.hidden ? 'Unhide' : 'Hide'}
        <span className="visually-hidden"> commit {shortId(commit.commitId)}</span>
      </button>
      <ProblemAlert error={toggle.error} />
    </>
  );
}

export function CommitsTab(props: {
  connectionId: string;
  repo: string;
  branches: Branch[];
  branch: string;
  onBranch: (branch: string) => void;
  showHidden: boolean;
  onShowHidden: (show: boolean) => void;
}) {
  const { connectionId, repo, branch, showHidden } = props;
  const {
    query,
    items: commits,
    firstPage: first,
  } = useCursorList({
    queryKey: ['connection', connectionId, 'repository', repo, 'commits', { branch, showHidden }],
    fetchPage: (cursor) => listCommits(connectionId, repo, { branch, cursor, includeHidden: showHidden }),
  });
  const branchOptions = props.branches.length === 0 ? [{ value: branch, text: branch || 'default branch' }] : props.branches.map((b) => ({ value: b.name, text: b.isDefault ? `${b.name} (default)` : b.name }));

  return (
    <div>
      <div className="toolbar">
        <FilterSelect label="Branch" value={branch} options={branchOptions} onChange={props.onBranch} />
        <label className="checkbox">
          <input type="checkbox" checked={showHidden} onChange={(e) => props.onShowHidden(e.target.checked)} />
          Show hidden commits
        </label>
        {first ? (
          <span className="muted small">
            {first.source === 'mirror' ? (
              <>
                From the mirror, fetched <TimeAgo value={first.lastFetchedAt} />
              </>
            ) : (
              'From Azure DevOps (no mirror yet)'
            )}
          </span>
        ) : null}
      </div>
      <QueryState query={query} items={commits} loading="Loading commits…" empty={first?.empty ? <EmptyState title="No commits yet">This repository is empty.</EmptyState> : null}>
        <ul className="commit-list" aria-label={`Commits of ${branch || 'the default branch'}`}>
          {commits.map((c) => (
            <li key={c.commitId} className={`commit${c.hidden ? ' commit-hidden' : ''}`}>
              <div className="commit-main">
                <p className="commit-subject">
                  {c.subject || <span className="muted">(no message)</span>} {c.hidden ? <Badge icon="⊘">Hidden</Badge> : null}
                </p>
                <p className="commit-meta">
                  <code>{shortId(c.commitId)}</code> · {c.author.name} · <TimeAgo value={c.author.date} />
                </p>
              </div>
              <HideButton connectionId={connectionId} repo={repo} commit={c} />
            </li>
          ))}
        </ul>
      </QueryState>
      <LoadMore query={query} />
    </div>
  );
}
