// Fetch now and Download snapshot: each starts a job and follows it (every 500 ms) with a progress bar; a finished
// fetch refreshes what the page shows, a finished snapshot becomes a download link.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { jobDownloadUrl, startFetch, startSnapshot, type Branch } from '../../api/client.js';
import { Dialog } from '../../components/Dialog.js';
import { JobProgress, useJob } from '../../components/JobProgress.js';
import { ProblemAlert } from '../../components/ProblemAlert.js';
import { SubmitButton } from '../../components/SubmitButton.js';

export function FetchNow({ connectionId, repo, disabled }: { connectionId: string; repo: string; disabled?: boolean }) {
  const queryClient = useQueryClient();
  const [jobId, setJobId] = useState<string>();
  const start = useMutation({ mutationFn: () => startFetch(connectionId, repo), onSuccess: (job) => setJobId(job.id) });
  const job = useJob(jobId);
  const state = job.data?.state;

  useEffect(() => {
    if (state === 'succeeded') {
      // The mirror changed: its last fetched time, and the commits read from it.
      void queryClient.invalidateQueries({ queryKey: ['connection', connectionId, 'repositories'] });
      void queryClient.invalidateQueries({ queryKey: ['connection', connectionId, 'repository', repo] });
      void queryClient.invalidateQueries({ queryKey: ['jobs'] });
    }
  }, [state, queryClient, connectionId, repo]);

  const running = start.isPending || (jobId !== undefined && (state === undefined || state === 'queued' || state === 'running'));
  return (
    <div className="job-action">
      <button type="button" className="btn btn-secondary" disabled={disabled || running} onClick={() => start.mutate()}>
        {running ? 'Fetching…' : 'Fetch now'}
      </button>
      <ProblemAlert error={start.error ?? job.error} />
      {job.data ? <JobProgress job={job.data} label="Fetch" /> : null}
    </div>
  );
}

export function SnapshotDialog({ connectionId, repo, branches, defaultRef, onClose }: { connectionId: string; repo: string; branches: Branch[]; defaultRef: string; onClose: () => void }) {
  const [ref, setRef] = useState(defaultRef);
  const [jobId, setJobId] = useState<string>();
  const start = useMutation({ mutationFn: () => startSnapshot(connectionId, repo, ref), onSuccess: (job) => setJobId(job.id) });
  const job = useJob(jobId);
  const done = job.data?.state === 'succeeded';
  return (
    <Dialog title="Download snapshot" onClose={onClose}>
      <p>A .tar.gz of the repository's files at a branch or commit, without the files its .azdoignore leaves out, with its submodules.</p>
      {jobId === undefined ? (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            start.mutate();
          }}
        >
          <div className="field">
            <label htmlFor="snapshot-ref">Branch, tag or commit</label>
            <input id="snapshot-ref" type="text" list="snapshot-branches" value={ref} spellCheck={false} onChange={(e) => setRef(e.target.value)} />
            <datalist id="snapshot-branches">
              {branches.map((b) => (
                <option key={b.ref} value={b.name} />
              ))}
            </datalist>
          </div>
          <SubmitButton pending={start.isPending} label="Make snapshot" pendingLabel="Starting…" />
        </form>
      ) : null}
      <ProblemAlert error={start.error ?? job.error} />
      {job.data ? <JobProgress job={job.data} label="Snapshot" /> : null}
      {done && jobId ? (
        <p className="download-ready">
          <a className="btn btn-primary" href={jobDownloadUrl(jobId)} download>
            Download snapshot (.tar.gz)
          </a>
        </p>
      ) : null}
    </Dialog>
  );
}
