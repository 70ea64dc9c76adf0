// One repository: its branches, the commits of one branch, its pull requests; Fetch now (the mirror) and Download
// snapshot. The tab, branch and filters are in the address, so a reload or a link shows the same view.
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { getConnection, getRepository, listBranches, type PullRequestStatus } from '../../api/client.js';
import { Badge } from '../../components/Badge.js';
import { DataTable } from '../../components/DataTable.js';
import { EmptyState } from '../../components/EmptyState.js';
import { Loading } from '../../components/Loading.js';
import { PageHeader, usePageTitle } from '../../components/PageHeader.js';
import { ProblemAlert } from '../../components/ProblemAlert.js';
import { QueryState } from '../../components/QueryState.js';
import { Tabs } from '../../components/Tabs.js';
import { useUrlParams } from '../../hooks/useUrlParams.js';
import { connectionPath } from '../connections/ConnectionFormPages.js';
import { CommitsTab } from './CommitsTab.js';
import { PullRequestsTab } from './PullRequestsTab.js';
import { MirrorStatus, RepositoryState, shortId } from './repository-text.js';
import { FetchNow, SnapshotDialog } from './RepositoryJobs.js';

const TABS = [
  { id: 'commits', label: 'Commits' },
  { id: 'branches', label: 'Branches' },
  { id: 'pull-requests', label: 'Pull requests' },
];

export function RepositoryPage() {
  const { id = '', repo = '' } = useParams();
  const [params, setParam] = useUrlParams();
  const [snapshotOpen, setSnapshotOpen] = useState(false);
  const connection = useQuery({ queryKey: ['connection', id], queryFn: () => getConnection(id) });
  const repository = useQuery({ queryKey: ['connection', id, 'repository', repo], queryFn: () => getRepository(id, repo) });
  const r = repository.data;
  const readable = r !== undefined && r.state === 'ok';
  const branches = useQuery({ queryKey: ['connection', id, 'repository', repo, 'branches'], queryFn: () => listBranches(id, repo), enabled: readable });
  usePageTitle(r ? `${r.project.name}/${r.name}` : 'Repository');

  const tab = params.get('tab') ?? 'commits';
  const branch = params.get('branch') ?? r?.defaultBranch ?? '';
  const showHidden = params.get('hidden') === '1';
  const prStatus = (params.get('status') ?? 'active') as PullRequestStatus;
  const branchList = branches.data?.items ?? [];

  return (
    <div className="page">
      <PageHeader
        title={r ? r.name : 'Repository'}
        subtitle={
          r ? (
            <>
              Project {r.project.name} <RepositoryState state={r.state} />
            </>
          ) : undefined
        }
        breadcrumbs={
          <>
            <Link to="/connections">Connections</Link>
            <span aria-hidden="true"> / </span>
            <Link to={connectionPath(id)}>{connection.data?.name ?? 'Connection'}</Link>
            <span aria-hidden="true"> / </span>
            <Link to={`${connectionPath(id)}/repositories`}>Repositories</Link>
          </>
        }
        actions={
          r ? (
            <>
              {r.webUrl ? (
                <a className="btn btn-secondary" href={r.webUrl} target="_blank" rel="noreferrer noopener">
                  Open in Azure DevOps
                </a>
              ) : null}
              <button type="button" className="btn btn-secondary" disabled={!readable} onClick={() => setSnapshotOpen(true)}>
                Download snapshot
              </button>
            </>
          ) : null
        }
      />
      {repository.isPending ? <Loading /> : null}
      <ProblemAlert error={repository.error} />
      {r ? (
        <section className="card mirror-card" aria-labelledby="mirror-heading">
          <div className="mirror-card-row">
            <div>
              <h2 id="mirror-heading" className="card-title-small">
                Mirror
              </h2>
              <p className="muted small">
                A local copy for fast reads and snapshots: <MirrorStatus mirror={r.mirror} />
              </p>
            </div>
            <FetchNow connectionId={id} repo={repo} disabled={r.state === 'disabled'} />
          </div>
        </section>
      ) : null}
      {r?.state === 'disabled' ? <EmptyState title="This repository is disabled">Azure DevOps does not let anyone read a disabled repository. A project administrator can enable it again.</EmptyState> : null}
      {r?.state === 'empty' ? <EmptyState title="This repository is empty">It has no commits yet. Push to it, then fetch again.</EmptyState> : null}
      {readable ? (
        <Tabs tabs={TABS} selected={tab} onSelect={(t) => setParam({ tab: t === 'commits' ? null : t })} label="Repository views">
          {tab === 'commits' ? (
            <CommitsTab
              connectionId={id}
              repo={repo}
              branches={branchList}
              branch={branch}
              onBranch={(b) => setParam({ branch: b === r.defaultBranch ? null : b })}
              showHidden={showHidden}
              onShowHidden={(show) => setParam({ hidden: show ? '1' : null })}
            />
          ) : null}
          {tab === 'branches' ? (
            <QueryState query={branches} items={branchList} empty={<p className="muted">No branches.</p>}>
              <DataTable caption="Branches" columns={['Branch', 'Latest commit']} actions>
                {branchList.map((b) => (
                  <tr key={b.ref}>
                    <td data-label="Branch" className="cell-primary">
                      <code>{b.name}</code> {b.isDefault ? <Badge tone="info">Default</Badge> : null}
                    </td>
                    <td data-label="Latest commit">
                      <code>{shortId(b.commitId)}</code>
                    </td>
                    <td data-label="Actions">
                      <button type="button" className="btn btn-ghost btn-small" onClick={() => setParam({ tab: null, branch: b.isDefault ? null : b.name })}>
                        Commits<span className="visually-hidden"> of {b.name}</span>
                      </button>
                    </td>
                  </tr>
                ))}
              </DataTable>
            </QueryState>
          ) : null}
          {tab === 'pull-requests' ? <PullRequestsTab connectionId={id} repo={repo} status={prStatus} onStatus={(s) => setParam({ status: s === 'active' ? null : s })} /> : null}
        </Tabs>
      ) : null}
      {snapshotOpen && r ? <SnapshotDialog connectionId={id} repo={repo} branches={branchList} defaultRef={branch} onClose={() => setSnapshotOpen(false)} /> : null}
    </div>
  );
}
