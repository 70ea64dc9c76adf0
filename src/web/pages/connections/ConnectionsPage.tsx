// The workspace's connections: what each reaches, whether its last test passed and when its credential expires.
import { useDeferredValue, useState } from 'react';
import { Link } from 'react-router';
import { listConnections, type Connection } from '../../api/client.js';
import { DataTable } from '../../components/DataTable.js';
import { EmptyState } from '../../components/EmptyState.js';
import { Loading } from '../../components/Loading.js';
import { LoadMore } from '../../components/LoadMore.js';
import { PageHeader, usePageTitle } from '../../components/PageHeader.js';
import { ProblemAlert } from '../../components/ProblemAlert.js';
import { ExpiryCountdown } from '../../components/Time.js';
import { Url } from '../../components/Url.js';
import { useCursorList } from '../../hooks/useCursorList.js';
import { connectionPath } from './ConnectionFormPages.js';
import { CREDENTIAL_TEXT, credentialExpiry, KIND_TEXT, Labels, TestStatus } from './connection-text.js';

function ConnectionRow({ connection: c }: { connection: Connection }) {
  return (
    <tr>
      <td data-label="Name" className="cell-primary">
        <Link to={connectionPath(c.id)} className="strong-link">
          {c.name}
        </Link>
        {c.description ? <p className="muted small clamp">{c.description}</p> : null}
        <Labels labels={c.labels} />
      </td>
      <td data-label="Kind">{KIND_TEXT[c.kind]}</td>
      <td data-label="URL" className="cell-url">
        <Url value={c.url} />
      </td>
      <td data-label="Last test">
        <TestStatus connection={c} />
      </td>
      <td data-label="Credential">
        <span className="small">{CREDENTIAL_TEXT[c.credential.type]}</span>
        <br />
        <ExpiryCountdown expiresAt={credentialExpiry(c)} />
      </td>
    </tr>
  );
}

const ADD = (
  <Link to="/connections/new" className="btn btn-primary">
    Add connection
  </Link>
);

export function ConnectionsPage() {
  usePageTitle('Connections');
  const [search, setSearch] = useState('');
  const q = useDeferredValue(search.trim());
  // While a search runs, the previous list stays (and the search box keeps its focus).
  const { query, items: connections } = useCursorList({ queryKey: ['connections', { q }], fetchPage: (cursor) => listConnections({ cursor, q }), keepPrevious: true });
  const none = query.isSuccess && connections.length === 0 && q === '';

  return (
    <div className="page">
      <PageHeader
        title="Connections"
        subtitle="Azure DevOps organizations and collections this workspace reaches, with their credentials."
        actions={none ? null : ADD}
      />
      {query.isPending ? <Loading label="Loading connections…" /> : null}
      <ProblemAlert error={query.error} />
      {none ? (
        <EmptyState title="No connections yet" action={ADD}>
          <p>A connection is one Azure DevOps Services organization or Server collection and the credential to reach it: a personal access token, an SSH key or a service principal.</p>
        </EmptyState>
      ) : null}
      {query.isSuccess && !none ? (
        <>
          <div className="toolbar">
            <div className="field field-inline">
              <label htmlFor="connection-search">Search</label>
              <input id="connection-search" type="search" value={search} placeholder="Name, label or URL" onChange={(e) => setSearch(e.target.value)} />
            </div>
          </div>
          {connections.length === 0 ? <p className="muted">No connection matches “{q}”.</p> : null}
          {connections.length > 0 ? (
            <DataTable caption="Connections" columns={['Name', 'Kind', 'URL', 'Last test', 'Credential']}>
              {connections.map((c) => (
                <ConnectionRow key={c.id} connection={c} />
              ))}
            </DataTable>
          ) : null}
          <LoadMore query={query} />
        </>
      ) : null}
    </div>
  );
}
