// The job queue over both stores: the in-process queue on SQLite, pg-boss on PostgreSQL, with the same behaviour:
// FIFO within the concurrency bound, progress while running, cancel, graceful stop and restart, recorded errors.
import { afterEach, describe, expect, it } from 'vitest';
import { AzdoError } from '../../src/errors/azdo-error.js';
import { pino } from 'pino';
import type { JobHandler, JobQueue } from '../../src/jobs/job-queue.js';
import { DEFAULT_WORKSPACE_ID } from '../../src/store/default-workspace.js';
import { claimJob } from '../../src/store/jobs-repo.js';
import { rejection } from '../helpers/rejection.js';
import { DIALECTS, testStores, type TestStore } from '../store/test-stores.js';
import { queueOver, RecordingMetrics, Steered, waitFor, waitForState } from './job-test-kit.js';

const WS = DEFAULT_WORKSPACE_ID;
const stores = testStores();
const queues: JobQueue[] = [];

function track(queue: JobQueue): JobQueue {
  queues.push(queue);
  return queue;
}

afterEach(async () => {
  for (const q of queues.splice(0)) await q.stop({ graceMs: 0 });
  await stores.cleanup();
});

async function enqueueMany(queue: JobQueue, n: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) ids.push((await queue.enqueue({ workspaceId: WS, kind: 'fetch', input: { n: i } })).id);
  return ids;
}

describe.each(DIALECTS)('job queue on %s', (dialect) => {
  let store: TestStore;

  async function fresh(): Promise<TestStore> {
    store = await stores.open(dialect);
    return store;
  }

  it('runs jobs first in, first out, never more at once than its concurrency', async () => {
    await fresh();
    const steered = new Steered();
    const queue = track(queueOver(store, { fetch: steered.handler }, { settings: { concurrency: 2 } }));
    await queue.start();
    const ids = await enqueueMany(queue, 5);
    await waitFor('two jobs to start', () => steered.started.length === 2);
    // The first two are claimed together, so which handler is entered first is a race; which two it is is not.
    expect([...steered.started].sort()).toEqual(ids.slice(0, 2).sort());
    expect((await queue.get(WS, ids[2]!)).state).toBe('queued');
    for (let i = 0; i < ids.length; i++) {
      await waitFor(`job ${i} to start`, () => steered.isRunning(ids[i]!));
      steered.release(ids[i]!, { n: i });
      await waitForState(queue, WS, ids[i]!, 'succeeded');
      // One slot is free at a time from here on, so the oldest queued job must be the one that takes it.
      const next = ids[i + 2];
      if (next !== undefined) await waitFor(`job ${i + 2} to start`, () => steered.isRunning(next));
      expect(steered.started).toHaveLength(Math.min(i + 3, ids.length));
    }
    expect(steered.started.slice(2)).toEqual(ids.slice(2));
    expect(steered.maxRunning).toBe(2);
    const done = await queue.get(WS, ids[4]!);
    expect(done).toMatchObject({ state: 'succeeded', result: { n: 4 }, progress: { percent: 100, phase: 'done' }, attempts: 1, error: null });
    expect(done.startedAt).not.toBeNull();
    expect(done.finishedAt).not.toBeNull();
  });

  it('shows progress while a job runs, the last report of a burst included', async () => {
    await fresh();
    const steered = new Steered();
    const queue = track(queueOver(store, { fetch: steered.handler }));
    await queue.start();
    const [id] = await enqueueMany(queue, 1);
    await waitFor('the job to start', () => steered.isRunning(id!));
    const context = steered.context(id!);
    context.reportProgress({ percent: 10, phase: 'receiving objects' });
    for (let p = 11; p <= 57; p++) context.reportProgress({ percent: p, phase: 'receiving objects' });
    const seen = await waitFor('progress 57', async () => {
      const job = await queue.get(WS, id!);
      return job.progress?.percent === 57 ? job : undefined;
    });
    expect(seen).toMatchObject({ state: 'running', progress: { percent: 57, phase: 'receiving objects' } });
    context.reportProgress({ percent: null, phase: 'resolving deltas' });
    await waitFor('the new phase', async () => (await queue.get(WS, id!)).progress?.phase === 'resolving deltas');
    steered.release(id!);
    await waitForState(queue, WS, id!, 'succeeded');
  });

  it('cancels a queued job, which then never runs, and a running one, whose signal aborts', async () => {
    await fresh();
    const steered = new Steered();
    const queue = track(queueOver(store, { fetch: steered.handler }, { settings: { concurrency: 1 } }));
    await queue.start();
    const [first, second, third] = await enqueueMany(queue, 3);
    await waitFor('the first job to start', () => steered.isRunning(first!));
    expect(await queue.cancel(WS, second!)).toMatchObject({ id: second, state: 'cancelled' });

    const signal = steered.context(first!).signal;
    const cancelled = await queue.cancel(WS, first!);
    expect(cancelled.state).toBe('cancelled');
    expect(signal.aborted).toBe(true);
    await waitFor('the third job to start', () => steered.isRunning(third!));
    steered.release(third!);
    await waitForState(queue, WS, third!, 'succeeded');
    expect(steered.started).toEqual([first, third]);
    expect((await queue.get(WS, first!)).state).toBe('cancelled');
    // A finished job is left as it is.
    expect((await queue.cancel(WS, third!)).state).toBe('succeeded');
  });

  it('records a failure with its code and hint, and an unexpected one without internals', async () => {
    await fresh();
    const steered = new Steered();
    const queue = track(queueOver(store, { fetch: steered.handler }));
    await queue.start();
    const [known, unknown] = await enqueueMany(queue, 2);
    await waitFor('both jobs to start', () => steered.isRunning(known!) && steered.isRunning(unknown!));
    steered.fail(known!, new AzdoError('AZDO_REPOSITORY_NOT_FOUND', 'Repository x was not found.', 'Check the name.'));
    steered.fail(unknown!, new Error('secret internals at /srv/x'));
    const failed = await waitForState(queue, WS, known!, 'failed');
    expect(failed.error).toEqual({ code: 'AZDO_REPOSITORY_NOT_FOUND', message: 'Repository x was not found.', hint: 'Check the name.' });
    const odd = await waitForState(queue, WS, unknown!, 'failed');
    expect(odd.error?.code).toBe('AZDO_UNEXPECTED');
    expect(JSON.stringify(odd)).not.toContain('secret internals');
  });

  it('stop({graceMs: 0}) queues running jobs again, and a new queue over the store resumes and completes them', async () => {
    await fresh();
    const metrics = new RecordingMetrics();
    const before = new Steered();
    const queue = queueOver(store, { fetch: before.handler }, { metrics, settings: { concurrency: 1 } });
    await queue.start();
    const [running, waiting] = await enqueueMany(queue, 2);
    await waitFor('the first job to start', () => before.isRunning(running!));
    const signal = before.context(running!).signal;
    await queue.stop({ graceMs: 0 });
    expect(signal.aborted).toBe(true);
    expect(await queue.get(WS, running!)).toMatchObject({ state: 'queued', progress: { phase: 'queued' }, startedAt: null });
    expect((await queue.get(WS, waiting!)).state).toBe('queued');
    expect(metrics.finished).toEqual([expect.objectContaining({ kind: 'fetch', state: 'requeued' })]);

    const after = new Steered();
    const next = track(queueOver(store, { fetch: after.handler }, { settings: { concurrency: 1 } }));
    await next.start();
    await waitFor('the interrupted job to run again', () => after.isRunning(running!));
    after.release(running!);
    await waitFor('the waiting job to run', () => after.isRunning(waiting!));
    after.release(waiting!);
    expect(await waitForState(next, WS, running!, 'succeeded')).toMatchObject({ attempts: 2 });
    await waitForState(next, WS, waiting!, 'succeeded');
  });

  it('stop() lets a job that ends within the grace period finish', async () => {
    await fresh();
    const steered = new Steered();
    const queue = queueOver(store, { fetch: steered.handler });
    await queue.start();
    const [id] = await enqueueMany(queue, 1);
    await waitFor('the job to start', () => steered.isRunning(id!));
    setTimeout(() => steered.release(id!, { finished: 'in time' }), 100);
    await queue.stop({ graceMs: 10_000 });
    expect(await queue.get(WS, id!)).toMatchObject({ state: 'succeeded', result: { finished: 'in time' } });
  });

  it('names, in the line that says jobs were queued again, a handler that ignored its abort', async () => {
    await fresh();
    const lines: Array<Record<string, unknown>> = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
    const obedient = new Steered();
    let stubborn!: () => void;
    const ignoresAbort: JobHandler = (job, context) =>
      job.input && (job.input as { n: number }).n === 1 ? new Promise((resolve) => (stubborn = () => resolve({ late: true }))) : obedient.handler(job, context);
    const metrics = new RecordingMetrics();
    const queue = queueOver(store, { fetch: ignoresAbort }, { logger, metrics, settings: { concurrency: 2, abortWaitMs: 300 } });
    await queue.start();
    const [heeds, ignores] = await enqueueMany(queue, 2);
    await waitFor('both jobs to run', async () => (await queue.get(WS, ignores!)).state === 'running' && obedient.isRunning(heeds!));
    await queue.stop({ graceMs: 0 });
    // Let the late handler end before the store closes; its end changes nothing, as the job was queued again.
    stubborn();
    await waitFor('the late handler to end', () => metrics.finished.length === 2);
    expect(await queue.get(WS, ignores!)).toMatchObject({ state: 'queued' });
    const requeued = lines.find((l) => l.msg === 'job queue: running jobs queued again for the next start');
    expect(requeued).toMatchObject({ stillRunning: [ignores] });
    expect((requeued!.jobs as string[]).sort()).toEqual([heeds, ignores].sort());
  });

  it('runs again a job left running by a process that died', async () => {
    await fresh();
    const steered = new Steered();
    const queue = track(queueOver(store, { fetch: steered.handler }, { settings: { staleAfterMs: 300 } }));
    const id = (await queue.enqueue({ workspaceId: WS, kind: 'fetch', input: {} })).id;
    // A runner that claimed the job and then vanished: no heartbeat will ever come from it.
    expect(await claimJob(store.db, id, 'gone:1:dead')).toBeDefined();
    await queue.start();
    await waitFor('the job to run again', () => steered.isRunning(id));
    steered.release(id);
    expect(await waitForState(queue, WS, id, 'succeeded')).toMatchObject({ attempts: 2 });
  });

  it('keeps workspaces apart and pages newest first', async () => {
    await fresh();
    await store.db.insertInto('workspaces').values({ id: 'other', name: 'Other', created_at: new Date().toISOString() }).execute();
    const steered = new Steered();
    const queue = track(queueOver(store, { fetch: steered.handler }));
    const ids = await enqueueMany(queue, 5);
    const theirs = await queue.enqueue({ workspaceId: 'other', kind: 'snapshot', input: { ref: 'main' }, createdBy: 'user:x' });

    const first = await queue.list(WS, { limit: 2 });
    expect(first.jobs.map((j) => j.id)).toEqual([ids[4], ids[3]]);
    const second = await queue.list(WS, { limit: 2, cursor: first.nextCursor! });
    expect(second.jobs.map((j) => j.id)).toEqual([ids[2], ids[1]]);
    const last = await queue.list(WS, { limit: 2, cursor: second.nextCursor! });
    expect(last).toEqual({ jobs: [expect.objectContaining({ id: ids[0] })], nextCursor: null });
    expect((await queue.list(WS, { kind: 'snapshot' })).jobs).toEqual([]);
    expect((await queue.list('other', { kind: 'snapshot', state: 'queued' })).jobs).toEqual([
      expect.objectContaining({ id: theirs.id, workspaceId: 'other', createdBy: 'user:x', input: { ref: 'main' } }),
    ]);

    expect((await rejection(queue.get(WS, theirs.id))).code).toBe('AZDO_JOB_NOT_FOUND');
    expect((await rejection(queue.cancel(WS, theirs.id))).code).toBe('AZDO_JOB_NOT_FOUND');
    expect((await queue.get('other', theirs.id)).state).toBe('queued');
    expect((await rejection(queue.list(WS, { cursor: 'not-a-cursor' }))).code).toBe('AZDO_STORE_CURSOR_INVALID');
  });

  it('refuses a kind it has no handler for', async () => {
    await fresh();
    const queue = track(queueOver(store, { fetch: new Steered().handler }));
    const error = await rejection(queue.enqueue({ workspaceId: WS, kind: 'build' as never, input: {} }));
    expect(error.code).toBe('AZDO_JOB_KIND_INVALID');
  });
});

describe('two pg-boss queues over one PostgreSQL store', () => {
  it('never run the same job twice, and share the work', async () => {
    const store = await stores.open('postgres');
    const runs = new Map<string, number>();
    const runners = new Set<number>();
    // Every job waits until both instances have taken one. A fixed sleep per job left sharing to timing: on a loaded
    // machine the instance that enqueues can take each job as it arrives, before the other's poll comes round. With
    // both instances' slots (2 each) far fewer than the jobs, neither can take them all while its own jobs wait, so
    // the other must get some; if it never did, the jobs would not finish and the test would fail.
    let bothRan!: () => void;
    const shared = new Promise<void>((resolve) => (bothRan = resolve));
    const handlerOf = (n: number) => async (job: { id: string }) => {
      runs.set(job.id, (runs.get(job.id) ?? 0) + 1);
      runners.add(n);
      if (runners.size === 2) bothRan();
      await shared;
      return { by: n };
    };
    const a = track(queueOver(store, { fetch: handlerOf(1) }, { settings: { concurrency: 2 } }));
    const b = track(queueOver(store, { fetch: handlerOf(2) }, { settings: { concurrency: 2 } }));
    await Promise.all([a.start(), b.start()]);
    const ids = await enqueueMany(a, 16);
    for (const id of ids) await waitForState(b, WS, id, 'succeeded');
    expect([...runs.values()]).toEqual(ids.map(() => 1));
    expect(runners).toEqual(new Set([1, 2]));
  });

  it('cancelling in one instance stops the job where it runs', async () => {
    const store = await stores.open('postgres');
    const steered = new Steered();
    const worker = track(queueOver(store, { fetch: steered.handler }));
    const other = track(queueOver(store, { fetch: new Steered().handler }));
    await worker.start();
    const [id] = await enqueueMany(other, 1);
    await waitFor('the job to start on the worker', () => steered.isRunning(id!));
    const signal = steered.context(id!).signal;
    expect((await other.cancel(WS, id!)).state).toBe('cancelled');
    await waitFor('the worker to notice', () => signal.aborted);
    expect((await worker.get(WS, id!)).state).toBe('cancelled');
  });
});
