// A background job (fetch, snapshot) while it runs: a progress bar with its percent and phase, polled every 500 ms
// until it finishes. The words are in a live region, so screen readers hear the phases without a flood of percents.
import { useQuery } from '@tanstack/react-query';
import { ApiProblem, getJob, type Job } from '../api/client.js';
import { Badge, type Tone } from './Badge.js';
import { ProblemAlert } from './ProblemAlert.js';

export const FINISHED = new Set(['succeeded', 'failed', 'cancelled']);

const STATE: Record<Job['state'], { tone: Tone; icon: string; text: string }> = {
  queued: { tone: 'neutral', icon: '…', text: 'Queued' },
  running: { tone: 'info', icon: '↻', text: 'Running' },
  succeeded: { tone: 'success', icon: '✓', text: 'Succeeded' },
  failed: { tone: 'danger', icon: '✕', text: 'Failed' },
  cancelled: { tone: 'neutral', icon: '–', text: 'Cancelled' },
};

export function JobStateBadge({ state }: { state: Job['state'] }) {
  const s = STATE[state];
  return (
    <Badge tone={s.tone} icon={s.icon}>
      {s.text}
    </Badge>
  );
}

/** Follows a job until it finishes; onFinished runs once with the final job. */
export function useJob(id: string | undefined) {
  return useQuery({
    queryKey: ['job', id],
    queryFn: () => getJob(id!),
    enabled: id !== undefined,
    refetchInterval: (query) => (query.state.data && FINISHED.has(query.state.data.state) ? false : 500),
  });
}

/** A failed job's error, shown like any problem from the service: message, hint and code. */
export function jobProblem(job: Job): ApiProblem | undefined {
  return job.error ? new ApiProblem(0, { title: job.error.message, code: job.error.code, hint: job.error.hint }) : undefined;
}

export function ProgressBar({ percent, label }: { percent: number | null | undefined; label: string }) {
  const value = percent == null ? undefined : Math.max(0, Math.min(100, percent));
  return (
    <div className="progress">
      <progress max={100} {...(value !== undefined ? { value } : {})} aria-label={label} />
      <span className="progress-percent">{value !== undefined ? `${Math.round(value)}%` : ''}</span>
    </div>
  );
}

export function JobProgress({ job, label }: { job: Job; label: string }) {
  const finished = FINISHED.has(job.state);
  const percent = job.state === 'succeeded' ? 100 : (job.progress?.percent ?? null);
  const phase = job.state === 'queued' ? 'waiting to start' : (job.progress?.phase ?? '');
  return (
    <div className="job-progress">
      <div className="job-progress-head">
        <JobStateBadge state={job.state} />
        <span className="job-progress-phase" aria-live="polite">
          {label}: {finished ? STATE[job.state].text.toLowerCase() : phase}
          {!finished && percent != null ? ` (${Math.round(percent)}%)` : ''}
        </span>
      </div>
      {!finished || job.state === 'succeeded' ? <ProgressBar percent={percent} label={`${label} progress`} /> : null}
      {job.error ? <ProblemAlert error={jobProblem(job)} /> : null}
    </div>
  );
}
