// How repositories and their mirrors read in the UI.
import type { Job, MirrorSummary, Repository } from '../../api/client.js';
import { Badge } from '../../components/Badge.js';
import { TimeAgo } from '../../components/Time.js';

export const repositoryPath = (connectionId: string, repositoryId: string) =>
  `/connections/${encodeURIComponent(connectionId)}/repositories/${encodeURIComponent(repositoryId)}`;

export function RepositoryState({ state }: { state: Repository['state'] }) {
  if (state === 'empty') return <Badge icon="○">Empty</Badge>;
  if (state === 'disabled') return <Badge tone="warning" icon="⊘">Disabled</Badge>;
  return null;
}

export function MirrorStatus({ mirror }: { mirror: MirrorSummary | null | undefined }) {
  if (!mirror || mirror.status === 'missing') {
    return <span className="muted">{mirror?.lastError ? 'last fetch failed' : 'not fetched'}</span>;
  }
  return (
    <span>
      fetched <TimeAgo value={mirror.lastFetchedAt} />
      {mirror.lastError ? <span className="muted"> (last attempt failed)</span> : null}
    </span>
  );
}

/** "Fabrikam Fiber/web @ main", from a job's input. */
export function jobSubject(job: Pick<Job, 'input'>): string {
  const input = (job.input ?? {}) as { repository?: { project?: string; name?: string; id?: string }; ref?: string };
  const r = input.repository;
  const name = r?.project && r.name ? `${r.project}/${r.name}` : (r?.name ?? r?.id ?? 'a repository');
  return input.ref ? `${name} @ ${input.ref}` : name;
}

export function shortId(commitId: string): string {
  return commitId.slice(0, 8);
}
