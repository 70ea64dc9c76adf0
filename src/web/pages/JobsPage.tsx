// Background work of the workspace (fetches, snapshots): state, progress and errors, refreshed while anything runs.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { cancelJob, jobDownloadUrl, listJobs, type Job, type JobState } from '../api/client.js';
import { DataTable } from '../components/DataTable.js';
import { EmptyState } from '../components/EmptyState.js';
import { FilterSelect } from '../components/FilterSelect.js';
import { FINISHED, jobProblem, JobStateBadge, ProgressBar } from '../components/JobProgress.js';
import { LoadMore } from '../components/LoadMore.js';
import { PageHeader, usePageTitle } from '../components/PageHeader.js';
import { ProblemAlert } from '../components/ProblemAlert.js';
import { QueryState } from '../components/QueryState.js';
import { TimeAgo } from '../components/Time.js';
import { useCursorList } from '../hooks/useCursorList.js';
import { useUrlParams } from '../hooks/useUrlParams.js';
import { jobSubject } from './repositories/repository-text.js';

const STATES: Array<{ value: JobState | ''; text: string }> = [
  { value: '', text: 'All' },
  { value: 'running', text: 'Running' },
  { value: 'queued', text: 'Queued' },
  { value: 'succeeded', text: 'Succeeded' },
  { value: 'failed', text: 'Failed' },
  { value: 'cancelled', text: 'Cancelled' },
];

const KIND_TEXT: Record<Job['kind'], string> = { fetch: 'Fetch', snapshot: 'Snapshot' };

function JobActions({ job }: { job: Job }) {
  const queryClient = useQueryClient();
  const cancel = useMutation({ mutationFn: () => cancelJob(job.id), onSettled: () => queryClient.invalidateQueries({ queryKey: ['jobs'] }) });
  return (
    <div className="button-row">
      {!FINISHED.has(job.state) ? (
        <button type="button" className="btn btn-ghost btn-small" disabled={cancel.isPending} onClick={() => cancel.mutate()}>
          Cancel<span className="visually-hidden"> {KIND_TEXT[job.kind].toLowerCase()} of {jobSubject(job)}</span>
        </button>
      ) : null}
      {job.kind === 'snapshot' && job.state === 'succeeded' ? (
        <a className="btn btn-secondary btn-small" href={jobDownloadUrl(job.id)} download>
          Download<span className="visually-hidden"> snapshot of {jobSubject(job)}</span>
        </a>
      ) : null}
      <ProblemAlert error={cancel.error} />
    </div>
  );
}

function JobRow({ job }: { job: Job }) {
  return (
    <tr>
      <td data-label="Job" className="cell-primary">
        <strong>{KIND_TEXT[job.kind]}</strong> <span>{jobSubject(job)}</span>
      </td>
      <td data-label="State">
        <JobStateBadge state={job.state} />
      </td>
      <td data-label="Progress" className="cell-progress">
        {job.error ? (
          <ProblemAlert error={jobProblem(job)} />
        ) : FINISHED.has(job.state) ? (
          <span className="muted small">{job.finishedAt ? <>finished <TimeAgo value={job.finishedAt} /></> : ''}</span>
        ) : (
          <>
            <ProgressBar percent={job.progress?.percent} label={`${KIND_TEXT[job.kind]} of ${jobSubject(job)}`} />
            <span className="small muted">{job.state === 'queued' ? 'waiting to start' : job.progress?.phase}</span>
          </>
        )}
      </td>
      <td data-label="Started">
        <TimeAgo value={job.startedAt ?? job.createdAt} />
      </td>
      <td data-label="Actions">
        <JobActions job={job} />
      </td>
    </tr>
  );
}

export function JobsPage() {
  usePageTitle('Jobs');
  const [params, setParam] = useUrlParams();
  const state = (params.get('state') ?? '') as JobState | '';
  const { query, items: jobs } = useCursorList({
    queryKey: ['jobs', { state }],
    fetchPage: (cursor) => listJobs({ cursor, ...(state ? { state } : {}) }),
    keepPrevious: true,
    // While something runs, follow it; a quiet list is left alone.
    refetchInterval: (shown) => (shown.some((j) => !FINISHED.has(j.state)) ? 1000 : false),
  });

  return (
    <div className="page">
      <PageHeader title="Jobs" subtitle="Fetches and snapshots run in the background; they survive a restart of the service." />
      <div className="toolbar">
        <FilterSelect label="State" value={state} options={STATES} onChange={(v) => setParam({ state: v })} />
      </div>
      <QueryState
        query={query}
        items={jobs}
        loading="Loading jobs…"
        empty={<EmptyState title="No jobs">Fetch a repository or download a snapshot from a repository's page: the work shows up here.</EmptyState>}
      >
        <DataTable caption="Jobs" columns={['Job', 'State', 'Progress', 'Started']} actions>
          {jobs.map((job) => (
            <JobRow key={job.id} job={job} />
          ))}
        </DataTable>
      </QueryState>
      <LoadMore query={query} />
    </div>
  );
}
