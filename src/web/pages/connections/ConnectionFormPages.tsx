// Add connection (then straight to its page, where Test connection runs at once) and Edit connection.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate, useParams } from 'react-router';
import { addConnection, editConnection, getConnection } from '../../api/client.js';
import { Loading } from '../../components/Loading.js';
import { PageHeader, usePageTitle } from '../../components/PageHeader.js';
import { ProblemAlert } from '../../components/ProblemAlert.js';
import { ConnectionFormView } from './ConnectionForm.js';
import { emptyForm, formFromConnection, toChanges, toInput } from './form-state.js';

export const connectionPath = (id: string) => `/connections/${encodeURIComponent(id)}`;

export function AddConnectionPage() {
  usePageTitle('Add connection');
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  return (
    <div className="page page-narrow">
      <PageHeader
        title="Add connection"
        subtitle="Connect an Azure DevOps organization or collection. After saving, the connection is tested right away."
        breadcrumbs={<Link to="/connections">Connections</Link>}
      />
      <ConnectionFormView
        initial={emptyForm()}
        submitLabel="Save and test"
        cancelTo="/connections"
        onSubmit={async (form) => {
          const saved = await addConnection(toInput(form));
          await queryClient.invalidateQueries({ queryKey: ['connections'] });
          queryClient.setQueryData(['connection', saved.id], saved);
          await navigate(connectionPath(saved.id), { state: { runTest: true } });
        }}
      />
    </div>
  );
}

export function EditConnectionPage() {
  const { id = '' } = useParams();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const query = useQuery({ queryKey: ['connection', id], queryFn: () => getConnection(id), staleTime: 0 });
  usePageTitle(query.data ? `Edit ${query.data.name}` : 'Edit connection');
  const c = query.data;
  return (
    <div className="page page-narrow">
      <PageHeader
        title={c ? `Edit ${c.name}` : 'Edit connection'}
        breadcrumbs={
          <>
            <Link to="/connections">Connections</Link>
            {c ? (
              <>
                <span aria-hidden="true"> / </span>
                <Link to={connectionPath(c.id)}>{c.name}</Link>
              </>
            ) : null}
          </>
        }
      />
      {query.isPending ? <Loading /> : null}
      <ProblemAlert error={query.error} />
      {c ? (
        <ConnectionFormView
          // A fresh form when the stored connection changes (after a save elsewhere, or a version conflict).
          key={`${c.id}:${c.version}`}
          initial={formFromConnection(c)}
          edit={{
            ...(c.credential.tokenFingerprint ? { tokenFingerprint: c.credential.tokenFingerprint } : {}),
            ...(c.credential.publicKey ? { publicKey: c.credential.publicKey } : {}),
            ...(c.credential.fingerprint ? { fingerprint: c.credential.fingerprint } : {}),
          }}
          submitLabel="Save changes"
          cancelTo={connectionPath(c.id)}
          onSubmit={async (form) => {
            const saved = await editConnection(c.id, toChanges(form, c));
            queryClient.setQueryData(['connection', saved.id], saved);
            await queryClient.invalidateQueries({ queryKey: ['connections'] });
            await navigate(connectionPath(saved.id), { state: { saved: true } });
          }}
        />
      ) : null}
    </div>
  );
}
