// A connection's repositories, by project: which are selected (only those can be used through the connection),
// which are empty or disabled, and when each mirror was last fetched.
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useParams } from 'react-router';
import { getConnection, getSelection, listProjects, listRepositories, selectAllRepositories, setRepositorySelected, type Repository } from '../../api/client.js';
import { DataTable } from '../../components/DataTable.js';
import { EmptyState } from '../../components/EmptyState.js';
import { FilterSelect } from '../../components/FilterSelect.js';
import { PageHeader, usePageTitle } from '../../components/PageHeader.js';
import { Notice, ProblemAlert } from '../../components/ProblemAlert.js';
import { QueryState } from '../../components/QueryState.js';
import { Url } from '../../components/Url.js';
import { useUrlParams } from '../../hooks/useUrlParams.js';
import { byteSize } from '../../lib/relative-time.js';
import { connectionPath } from '../connections/ConnectionFormPages.js';
import { MirrorStatus, repositoryPath, RepositoryState } from './repository-text.js';

function SelectionToggle({ connectionId, repository }: { connectionId: string; repository: Repository }) {
  const queryClient = useQueryClient();
  const toggle = useMutation({
    mutationFn: (selected: boolean) => setRepositorySelected(connectionId, repository, selected),
    onSettled: () => queryClient.invalidateQueries({ queryKey: ['connection', connectionId, 'repositories'] }),
  });
  const name = `${repository.project.name}/${repository.name}`;
  return (
    <>
      <label className="checkbox">
        <input type="checkbox" checked={toggle.isPending ? toggle.variables : repository.selected} disabled={toggle.isPending} onChange={(e) => toggle.mutate(e.target.checked)} aria-label={`Selected: ${name}`} />
        <span aria-hidden="true">{(toggle.isPending ? toggle.variables : repository.selected) ? 'Selected' : 'Not selected'}</span>
      </label>
      {toggle.error ? <ProblemAlert error={toggle.error} /> : null}
    </>
  );
}

function RepositoryRow({ connectionId, repository: r }: { connectionId: string; repository: Repository }) {
  return (
    <tr>
      <td data-label="Repository" className="cell-primary">
        <span className="muted small">{r.project.name} / </span>
        {r.selected && r.state !== 'disabled' ? (
          <Link to={repositoryPath(connectionId, r.id)} className="strong-link">
            {r.name}
          </Link>
        ) : (
          <strong>{r.name}</strong>
        )}{' '}
        <RepositoryState state={r.state} />
      </td>
      <td data-label="Default branch">{r.defaultBranch ? <code>{r.defaultBranch}</code> : <span className="muted">none</span>}</td>
      <td data-label="Size">{r.size ? byteSize(r.size) : <span className="muted">–</span>}</td>
      <td data-label="Mirror">
        <MirrorStatus mirror={r.mirror} />
      </td>
      <td data-label="Selection">
        <SelectionToggle connectionId={connectionId} repository={r} />
      </td>
    </tr>
  );
}

export function RepositoriesPage() {
  const { id = '' } = useParams();
  const [params, setParam] = useUrlParams();
  const project = params.get('project') ?? '';
  const queryClient = useQueryClient();
  const connection = useQuery({ queryKey: ['connection', id], queryFn: () => getConnection(id) });
  const projects = useQuery({ queryKey: ['connection', id, 'projects'], queryFn: () => listProjects(id) });
  const selection = useQuery({ queryKey: ['connection', id, 'repositories', 'selection'], queryFn: () => getSelection(id) });
  const repositories = useQuery({
    queryKey: ['connection', id, 'repositories', { project }],
    queryFn: () => listRepositories(id, project ? { project } : {}),
    placeholderData: keepPreviousData,
  });
  const allowAll = useMutation({
    mutationFn: () => selectAllRepositories(id),
    onSettled: () => queryClient.invalidateQueries({ queryKey: ['connection', id, 'repositories'] }),
  });
  const name = connection.data?.name ?? 'Connection';
  usePageTitle(`Repositories of ${name}`);
  const items = repositories.data?.items ?? [];
  const projectOptions = [{ value: '', text: 'All projects' }, ...(projects.data?.items ?? []).map((p) => ({ value: p.name, text: p.name }))];

  return (
    <div className="page">
      <PageHeader
        title="Repositories"
        subtitle={
          connection.data ? (
            <>
              Through {connection.data.name} (<Url value={connection.data.url} />)
            </>
          ) : undefined
        }
        breadcrumbs={
          <>
            <Link to="/connections">Connections</Link>
            <span aria-hidden="true"> / </span>
            <Link to={connectionPath(id)}>{name}</Link>
          </>
        }
      />
      {selection.data ? (
        selection.data.mode === 'all' ? (
          <Notice>Every repository the credential can read is selected. Clear a checkbox to use only some.</Notice>
        ) : (
          <Notice tone="warning">
            Only selected repositories can be used through this connection ({selection.data.repositories.length} selected).{' '}
            <button type="button" className="btn btn-link" onClick={() => allowAll.mutate()} disabled={allowAll.isPending}>
              Select all repositories
            </button>
          </Notice>
        )
      ) : null}
      <ProblemAlert error={allowAll.error} />
      <div className="toolbar">
        <FilterSelect label="Project" value={project} options={projectOptions} onChange={(p) => setParam({ project: p })} />
        {repositories.isFetching && repositories.data ? <span className="muted small" role="status">Updating…</span> : null}
      </div>
      <ProblemAlert error={projects.error} />
      <QueryState
        query={repositories}
        items={items}
        loading="Asking Azure DevOps for the repositories…"
        empty={<EmptyState title="No repositories">The credential cannot see any repository{project ? ` in ${project}` : ''}.</EmptyState>}
      >
        <DataTable caption="Repositories" columns={['Repository', 'Default branch', 'Size', 'Mirror', 'Selection']}>
          {items.map((r) => (
            <RepositoryRow key={r.id} connectionId={id} repository={r} />
          ))}
        </DataTable>
      </QueryState>
    </div>
  );
}
