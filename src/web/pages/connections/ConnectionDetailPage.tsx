// One connection: its facts (never a secret), Test connection, and the way to its repositories, edit and removal.
import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { Link, useLocation, useNavigate, useParams } from 'react-router';
import { getConnection, type Connection } from '../../api/client.js';
import { CopyButton } from '../../components/CopyButton.js';
import { Loading } from '../../components/Loading.js';
import { PageHeader, usePageTitle } from '../../components/PageHeader.js';
import { Notice, ProblemAlert } from '../../components/ProblemAlert.js';
import { ExpiryCountdown, TimeAgo } from '../../components/Time.js';
import { Url } from '../../components/Url.js';
import { CREDENTIAL_TEXT, credentialExpiry, KIND_TEXT, Labels } from './connection-text.js';
import { connectionPath } from './ConnectionFormPages.js';
import { RemoveConnectionDialog } from './RemoveConnectionDialog.js';
import { TestPanel } from './TestPanel.js';

function Facts({ c }: { c: Connection }) {
  const cred = c.credential;
  return (
    <section className="card" aria-labelledby="facts-heading">
      <h2 id="facts-heading">Details</h2>
      <dl className="facts">
        <dt>Kind</dt>
        <dd>Azure DevOps {KIND_TEXT[c.kind]}</dd>
        <dt>URL</dt>
        <dd className="cell-url">
          <a href={c.url} target="_blank" rel="noreferrer noopener">
            <Url value={c.url} />
          </a>
        </dd>
        {c.description ? (
          <>
            <dt>Description</dt>
            <dd>{c.description}</dd>
          </>
        ) : null}
        <dt>Labels</dt>
        <dd>{c.labels.length > 0 ? <Labels labels={c.labels} /> : <span className="muted">none</span>}</dd>
        <dt>Credential</dt>
        <dd>
          {CREDENTIAL_TEXT[cred.type]}
          {cred.tokenFingerprint ? <span className="muted"> ({cred.tokenFingerprint})</span> : null}
        </dd>
        <dt>Expiry</dt>
        <dd>
          <ExpiryCountdown expiresAt={credentialExpiry(c)} />
        </dd>
        {cred.type === 'ssh' && cred.publicKey ? (
          <>
            <dt>SSH public key</dt>
            <dd>
              <code className="fingerprint">{cred.fingerprint}</code>
              <div className="button-row">
                <CopyButton value={cred.publicKey} label="Copy public key" />
              </div>
            </dd>
          </>
        ) : null}
        {cred.type === 'servicePrincipal' ? (
          <>
            <dt>Tenant ID</dt>
            <dd>
              <code>{cred.tenantId}</code>
            </dd>
            <dt>Client ID</dt>
            <dd>
              <code>{cred.clientId}</code>
            </dd>
          </>
        ) : null}
        {c.customHeaders.length > 0 ? (
          <>
            <dt>Custom headers</dt>
            <dd>
              <ul className="plain-list">
                {c.customHeaders.map((h) => (
                  <li key={h.name}>
                    <code>{h.name}</code>: {h.secret ? <span className="muted">secret (set)</span> : <code>{h.value}</code>}
                  </li>
                ))}
              </ul>
            </dd>
          </>
        ) : null}
        {c.kind === 'server' ? (
          <>
            <dt>TLS CA bundle</dt>
            <dd>{c.tls.caBundle ? 'set' : <span className="muted">none (publicly trusted certificate)</span>}</dd>
          </>
        ) : null}
        {c.ssh.port !== undefined ? (
          <>
            <dt>SSH port</dt>
            <dd>{c.ssh.port}</dd>
          </>
        ) : null}
        {c.ssh.knownHosts ? (
          <>
            <dt>Trusted SSH host keys</dt>
            <dd>{c.ssh.knownHosts.split('\n').length}</dd>
          </>
        ) : null}
        <dt>Added</dt>
        <dd>
          <TimeAgo value={c.createdAt} />
        </dd>
        <dt>Changed</dt>
        <dd>
          <TimeAgo value={c.updatedAt} />
        </dd>
      </dl>
    </section>
  );
}

export function ConnectionDetailPage() {
  const { id = '' } = useParams();
  const location = useLocation();
  const state = location.state as { runTest?: boolean; saved?: boolean } | null;
  const [removing, setRemoving] = useState(false);
  const navigate = useNavigate();
  // The test starts once, on arrival after saving; a reload or going back must not run it again.
  const [autoRun] = useState(state?.runTest === true);
  useEffect(() => {
    if (state?.runTest) void navigate(location.pathname, { replace: true, state: null });
  }, [state?.runTest, location.pathname, navigate]);
  const query = useQuery({ queryKey: ['connection', id], queryFn: () => getConnection(id) });
  const c = query.data;
  usePageTitle(c?.name ?? 'Connection');

  return (
    <div className="page">
      <PageHeader
        title={c?.name ?? 'Connection'}
        subtitle={c ? <Url value={c.url} /> : undefined}
        breadcrumbs={<Link to="/connections">Connections</Link>}
        actions={
          c ? (
            <>
              <Link to={`${connectionPath(c.id)}/repositories`} className="btn btn-secondary">
                Repositories
              </Link>
              <Link to={`${connectionPath(c.id)}/edit`} className="btn btn-secondary">
                Edit
              </Link>
              <button type="button" className="btn btn-danger-outline" onClick={() => setRemoving(true)}>
                Remove
              </button>
            </>
          ) : null
        }
      />
      {query.isPending ? <Loading /> : null}
      <ProblemAlert error={query.error} />
      {state?.saved ? <Notice live tone="success">Changes saved.</Notice> : null}
      {c ? (
        <div className="detail-grid">
          <TestPanel connection={c} autoRun={autoRun} />
          <Facts c={c} />
        </div>
      ) : null}
      {removing && c ? <RemoveConnectionDialog connection={c} onClose={() => setRemoving(false)} /> : null}
    </div>
  );
}
