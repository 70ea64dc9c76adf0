// One queue interface for background work. Over SQLite the service runs jobs in-process; over PostgreSQL pg-boss
// hands them out, so several service instances can share one database. Either way the `jobs` table is the record
// users see (state, progress, result), so the API reads jobs the same way whatever runs them.
import type { JsonValue } from '../store/columns.js';
import type { JobKind, JobState } from '../store/database.js';

export type { JobKind, JobState };

export interface JobProgress {
  /** 0-100, or null while the total is unknown. */
  percent: number | null;
  /** What the job is doing, in the user's words: "queued", "counting objects", "receiving objects", ... */
  phase: string;
}

export interface JobError {
  code: string;
  message: string;
  hint: string;
}

export interface Job {
  id: string;
  workspaceId: string;
  kind: JobKind;
  state: JobState;
  input: JsonValue;
  progress: JobProgress | null;
  result: JsonValue | null;
  error: JobError | null;
  attempts: number;
  createdBy: string | null;
  createdAt: string;
  updatedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface JobContext {
  /** Saved to the jobs table (throttled), so the API and the UI see it. */
  reportProgress(progress: JobProgress): void;
  /** Aborted when the job is cancelled or the service shuts down (the job is then queued again). */
  signal: AbortSignal;
}

/** Does one kind of job; returns the result to store, or throws (an AzdoError's code and hint are kept). */
export type JobHandler = (job: Job, context: JobContext) => Promise<JsonValue>;

export interface JobPage {
  jobs: Job[];
  nextCursor: string | null;
}

export interface JobQueue {
  /** Starts working: jobs left queued or running by a stopped instance are run again. */
  start(): Promise<void>;
  enqueue(o: { workspaceId: string; kind: JobKind; input: JsonValue; createdBy?: string }): Promise<Job>;
  /** AZDO_JOB_NOT_FOUND when it does not exist in that workspace. */
  get(workspaceId: string, id: string): Promise<Job>;
  list(workspaceId: string, o?: { limit?: number; cursor?: string; kind?: JobKind; state?: JobState }): Promise<JobPage>;
  /** A queued job never runs; a running one is aborted. A finished job is left as it is. */
  cancel(workspaceId: string, id: string): Promise<Job>;
  /**
   * Stops taking jobs, waits up to `graceMs` for running ones to finish, then aborts the rest and queues them
   * again, so the next start (of this or another instance) runs them.
   */
  stop(o?: { graceMs?: number }): Promise<void>;
}
