// Removing a connection says first what stops working (repository selection, mirrors on disk, unfinished jobs) and
// asks for the connection's name, typed, before anything is deleted.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { getRemovalImpact, removeConnection, type Connection } from '../../api/client.js';
import { ConfirmDialog } from '../../components/ConfirmDialog.js';
import { Loading } from '../../components/Loading.js';
import { ProblemAlert } from '../../components/ProblemAlert.js';
import { byteSize } from '../../lib/relative-time.js';

/** The service's sentence says "connection 'name'": the name stands out, the rest reads as normal text. */
function NameInBold({ text, name }: { text: string; name: string }) {
  const quoted = `'${name}'`;
  const at = text.indexOf(quoted);
  if (at < 0) return text;
  return (
    <>
      {text.slice(0, at)}
      <strong>{name}</strong>
      {text.slice(at + quoted.length)}
    </>
  );
}

export function RemoveConnectionDialog({ connection, onClose }: { connection: Connection; onClose: () => void }) {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [typed, setTyped] = useState('');
  const impact = useQuery({ queryKey: ['connection', connection.id, 'removal-impact'], queryFn: () => getRemovalImpact(connection.id), staleTime: 0 });
  const remove = useMutation({
    mutationFn: () => removeConnection(connection.id, typed.trim()),
    onSuccess: async () => {
      queryClient.removeQueries({ queryKey: ['connection', connection.id] });
      await queryClient.invalidateQueries({ queryKey: ['connections'] });
      await navigate('/connections', { state: { removed: connection.name } });
    },
  });
  const matches = typed.trim() === connection.name;
  const i = impact.data;

  return (
    <ConfirmDialog
      title={`Remove ${connection.name}?`}
      confirm="Remove connection"
      pending="Removing…"
      action={remove}
      onClose={onClose}
      form="remove-connection-form"
      ready={matches}
    >
      {impact.isPending ? <Loading label="Finding out what depends on it…" /> : null}
      <ProblemAlert error={impact.error} />
      {i ? (
        <>
          <p className="impact-consequence">
            <NameInBold text={i.consequence} name={connection.name} />
          </p>
          <ul className="impact-list">
            <li>
              Repository selection:{' '}
              {i.selection.mode === 'all' ? 'every repository is visible through it' : `${i.selection.selectedRepositories ?? 0} selected repositories`} — forgotten.
            </li>
            <li>
              Mirrors: {i.mirrors.count === 0 ? 'none' : `${i.mirrors.count} (${byteSize(i.mirrors.diskBytes)})`}
              {i.mirrors.count > 0 ? ' — deleted from disk.' : '.'}
            </li>
            <li>
              Unfinished jobs: {i.jobs.queued + i.jobs.running === 0 ? 'none' : `${i.jobs.running} running, ${i.jobs.queued} queued — cancelled.`}
            </li>
            <li>Scripts and git commands that use this connection stop working.</li>
          </ul>
        </>
      ) : null}
      <form
        id="remove-connection-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (matches) remove.mutate();
        }}
      >
        <div className="field">
          <label htmlFor="remove-confirm">
            Type <strong>{connection.name}</strong> to confirm
          </label>
          <input id="remove-confirm" type="text" autoComplete="off" spellCheck={false} value={typed} onChange={(e) => setTyped(e.target.value)} autoFocus />
        </div>
      </form>
    </ConfirmDialog>
  );
}
