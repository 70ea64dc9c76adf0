// Job records: what users see of background work. Every state change is one conditional UPDATE (`where state = ...`,
// and for a running job `and runner = ...`), so two queues, two instances or a cancel racing a finish never both win.
import type { Kysely, Selectable } from 'kysely';
import { AzdoError } from '../errors/azdo-error.js';
import type { Job, JobError, JobProgress } from '../jobs/job-queue.js';
import { fromJsonText, newId, toJsonText, toTimestamp, type JsonValue } from './columns.js';
import type { Database, JobKind, JobState, JobsTable } from './database.js';
import { STORE_CURSOR_INVALID } from './store-errors.js';

type JobRow = Selectable<JobsTable>;

export const QUEUED_PROGRESS: JobProgress = { percent: null, phase: 'queued' };

export const MAX_JOB_PAGE_SIZE = 500;

/** A running job as its runner sees it: the row and who holds it. */
export interface RunningJob extends Job {
  runner: string | null;
  heartbeatAt: string | null;
}

function toJob(row: JobRow): RunningJob {
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    kind: row.kind,
    state: row.state,
    input: fromJsonText<JsonValue>(row.input),
    progress: row.progress === null ? null : fromJsonText<JobProgress>(row.progress),
    result: row.result === null ? null : fromJsonText<JsonValue>(row.result),
    error: row.error === null ? null : fromJsonText<JobError>(row.error),
    // PostgreSQL's integer arrives as a number, but a driver may hand back a string for bigger types.
    attempts: Number(row.attempts),
    createdBy: row.created_by,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    runner: row.runner,
    heartbeatAt: row.heartbeat_at,
  };
}

/** Public view: who runs a job is the service's business, not the caller's. */
export function publicJob(job: RunningJob): Job {
  const { runner: _runner, heartbeatAt: _heartbeatAt, ...rest } = job;
  return rest;
}

let lastCreated = 0;

/**
 * Creation times strictly increase within a process, so jobs enqueued in the same millisecond still run (and list)
 * in the order they were enqueued.
 */
function creationTime(): string {
  lastCreated = Math.max(Date.now(), lastCreated + 1);
  return toTimestamp(new Date(lastCreated));
}

function now(): string {
  return toTimestamp(new Date());
}

export async function insertJob(
  db: Kysely<Database>,
  j: { workspaceId: string; kind: JobKind; input: JsonValue; createdBy?: string },
): Promise<RunningJob> {
  const created = creationTime();
  const row = await db
    .insertInto('jobs')
    .values({
      id: newId(),
      workspace_id: j.workspaceId,
      kind: j.kind,
      state: 'queued',
      input: toJsonText(j.input),
      progress: toJsonText(QUEUED_PROGRESS),
      result: null,
      error: null,
      created_by: j.createdBy ?? null,
      created_at: created,
      updated_at: created,
      started_at: null,
      finished_at: null,
      runner: null,
      heartbeat_at: null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toJob(row);
}

/** The job if it belongs to the workspace: ids of other workspaces' jobs answer like ids that do not exist. */
export async function getJob(db: Kysely<Database>, workspaceId: string, id: string): Promise<RunningJob | undefined> {
  const row = await db.selectFrom('jobs').selectAll().where('id', '=', id).where('workspace_id', '=', workspaceId).executeTakeFirst();
  return row ? toJob(row) : undefined;
}

/** For runners only: a job by id, whatever its workspace. */
export async function getJobById(db: Kysely<Database>, id: string): Promise<RunningJob | undefined> {
  const row = await db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toJob(row) : undefined;
}

function encodeCursor(job: { createdAt: string; id: string }): string {
  return Buffer.from(JSON.stringify([job.createdAt, job.id])).toString('base64url');
}

function decodeCursor(cursor: string): [string, string] {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === 'string')) return value as [string, string];
  } catch {
    // Falls through to the error below.
  }
  throw new AzdoError(
    STORE_CURSOR_INVALID,
    'The paging cursor is not one this service handed out.',
    'Start again from the first page, and pass back the cursor of the previous page unchanged.',
    { field: 'cursor' },
  );
}

/** Newest first; pages are keyed on (created_at, id), so jobs added between pages shift nothing. */
export async function listJobs(
  db: Kysely<Database>,
  o: { workspaceId: string; kind?: JobKind; state?: JobState; limit?: number; cursor?: string },
): Promise<{ jobs: RunningJob[]; nextCursor: string | null }> {
  const asked = Math.trunc(o.limit ?? 50);
  const limit = Number.isFinite(asked) ? Math.min(Math.max(asked, 1), MAX_JOB_PAGE_SIZE) : 50;
  let query = db.selectFrom('jobs').selectAll().where('workspace_id', '=', o.workspaceId);
  if (o.kind !== undefined) query = query.where('kind', '=', o.kind);
  if (o.state !== undefined) query = query.where('state', '=', o.state);
  if (o.cursor !== undefined) {
    const [created, id] = decodeCursor(o.cursor);
    query = query.where((eb) => eb.or([eb('created_at', '<', created), eb.and([eb('created_at', '=', created), eb('id', '<', id)])]));
  }
  const rows = await query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit + 1).execute();
  const jobs = rows.slice(0, limit).map(toJob);
  const last = jobs[jobs.length - 1];
  return { jobs, nextCursor: rows.length > limit && last ? encodeCursor(last) : null };
}

/** The oldest queued jobs (first in, first out), for a runner that picks its own work. */
export async function oldestQueued(db: Kysely<Database>, limit: number): Promise<string[]> {
  const rows = await db.selectFrom('jobs').select('id').where('state', '=', 'queued').orderBy('created_at').orderBy('id').limit(limit).execute();
  return rows.map((r) => r.id);
}

/** queued → running for `runner`; undefined when someone else got it first (or it was cancelled). */
export async function claimJob(db: Kysely<Database>, id: string, runner: string): Promise<RunningJob | undefined> {
  const at = now();
  const row = await db
    .updateTable('jobs')
    .set((eb) => ({
      state: 'running',
      runner,
      heartbeat_at: at,
      started_at: at,
      updated_at: at,
      attempts: eb('attempts', '+', 1),
      progress: toJsonText({ percent: null, phase: 'starting' } satisfies JobProgress),
    }))
    .where('id', '=', id)
    .where('state', '=', 'queued')
    .returningAll()
    .executeTakeFirst();
  return row ? toJob(row) : undefined;
}

/** False when the job is no longer this runner's (cancelled, or requeued after its heartbeat went quiet). */
export async function updateProgress(db: Kysely<Database>, id: string, runner: string, progress: JobProgress): Promise<boolean> {
  const at = now();
  const result = await db
    .updateTable('jobs')
    .set({ progress: toJsonText(progress), updated_at: at, heartbeat_at: at })
    .where('id', '=', id)
    .where('runner', '=', runner)
    .where('state', '=', 'running')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export type FinishedState = Extract<JobState, 'succeeded' | 'failed' | 'cancelled'>;

/** running → succeeded/failed/cancelled, only while `runner` still holds it. */
export async function finishJob(
  db: Kysely<Database>,
  id: string,
  runner: string,
  end: { state: FinishedState; result?: JsonValue; error?: JobError; progress?: JobProgress },
): Promise<boolean> {
  const at = now();
  const result = await db
    .updateTable('jobs')
    .set({
      state: end.state,
      ...(end.result !== undefined ? { result: toJsonText(end.result) } : {}),
      ...(end.error !== undefined ? { error: toJsonText(end.error) } : {}),
      ...(end.progress !== undefined ? { progress: toJsonText(end.progress) } : {}),
      finished_at: at,
      updated_at: at,
      heartbeat_at: null,
    })
    .where('id', '=', id)
    .where('runner', '=', runner)
    .where('state', '=', 'running')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** queued or running → cancelled. The job as it is afterwards; undefined if not in the workspace. */
export async function cancelJob(db: Kysely<Database>, workspaceId: string, id: string): Promise<{ job: RunningJob; wasRunning: boolean } | undefined> {
  const before = await getJob(db, workspaceId, id);
  if (!before) return undefined;
  if (before.state !== 'queued' && before.state !== 'running') return { job: before, wasRunning: false };
  const at = now();
  const row = await db
    .updateTable('jobs')
    .set({ state: 'cancelled', finished_at: at, updated_at: at, heartbeat_at: null })
    .where('id', '=', id)
    .where('workspace_id', '=', workspaceId)
    .where('state', '=', before.state)
    .returningAll()
    .executeTakeFirst();
  // Lost a race (it started or ended meanwhile): decide again on what it is now.
  if (!row) return cancelJob(db, workspaceId, id);
  return { job: toJob(row), wasRunning: before.state === 'running' };
}

/**
 * running → queued, so the job runs again from the start. Which ones: those of `runner` (a stopping queue), those
 * whose heartbeat is older than `staleBefore` (their runner died), or every running one (`all`: the one process
 * of a SQLite store starting again). Returns the jobs requeued.
 */
export async function requeueJobs(
  db: Kysely<Database>,
  which: { runner: string; ids?: readonly string[] } | { staleBefore: string } | { all: true },
): Promise<Array<{ id: string; kind: JobKind }>> {
  let query = db
    .updateTable('jobs')
    .set({ state: 'queued', runner: null, heartbeat_at: null, started_at: null, updated_at: now(), progress: toJsonText(QUEUED_PROGRESS) })
    .where('state', '=', 'running');
  if ('runner' in which) {
    if (which.ids !== undefined && which.ids.length === 0) return [];
    query = query.where('runner', '=', which.runner);
    if (which.ids !== undefined) query = query.where('id', 'in', [...which.ids]);
  } else if ('staleBefore' in which) {
    const cutoff = which.staleBefore;
    query = query.where((eb) => eb.or([eb('heartbeat_at', 'is', null), eb('heartbeat_at', '<', cutoff)]));
  }
  return query.returning(['id', 'kind']).execute();
}

/** Running jobs whose runner has not said it is alive since `before`. */
export async function listStaleRunning(db: Kysely<Database>, before: string): Promise<RunningJob[]> {
  const rows = await db
    .selectFrom('jobs')
    .selectAll()
    .where('state', '=', 'running')
    .where((eb) => eb.or([eb('heartbeat_at', 'is', null), eb('heartbeat_at', '<', before)]))
    .orderBy('created_at')
    .execute();
  return rows.map(toJob);
}

/** Says `runner` is alive for its jobs; returns those it still holds (the others were cancelled or taken over). */
export async function touchHeartbeats(db: Kysely<Database>, runner: string, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db
    .updateTable('jobs')
    .set({ heartbeat_at: now() })
    .where('runner', '=', runner)
    .where('state', '=', 'running')
    .where('id', 'in', [...ids])
    .returning('id')
    .execute();
  return new Set(rows.map((r) => r.id));
}
