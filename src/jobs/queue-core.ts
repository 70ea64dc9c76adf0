// What both queues share: the jobs table as the record users see, a bounded number of jobs running at once, progress,
// heartbeats, cancel and a graceful stop. They differ only in how work is found (the in-process queue reads the
// table; the pg-boss queue is handed messages) and in what requeuing means (pg-boss also needs a new message).
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { AzdoError } from '../errors/azdo-error.js';
import type { ServiceMetrics } from '../server/metrics.js';
import type { JsonValue } from '../store/columns.js';
import type { Database } from '../store/database.js';
import { inTransaction } from '../store/in-transaction.js';
import { cancelJob, finishJob, getJob, getJobById, insertJob, listJobs, publicJob, touchHeartbeats, type RunningJob } from '../store/jobs-repo.js';
import type { Store } from '../store/open-store.js';
import { jobErrorOf, jobKindInvalid, jobNotFound } from './job-errors.js';
import type { Job, JobHandler, JobKind, JobPage, JobQueue, JobState } from './job-queue.js';
import { ProgressWriter } from './progress-writer.js';

export interface QueueSettings {
  /** Jobs this queue runs at once. Default 2. */
  concurrency?: number;
  /** Least time between two progress writes of one job (a new phase is written at once). Default 250 ms. */
  progressIntervalMs?: number;
  /** How often a runner says it is alive for its jobs (and notices jobs cancelled elsewhere). Default 5 s. */
  heartbeatMs?: number;
  /** stop() without graceMs waits this long for running jobs. Default 30 s. */
  graceMs?: number;
  /** After the grace period, how long stop() waits for aborted handlers to return. Default 5 s. */
  abortWaitMs?: number;
  /** Work run at start and then every `everyMs` until stop (e.g. deleting old snapshot files). */
  maintenance?: MaintenanceTask[];
  /**
   * How often a queue with free slots looks for work besides when told (an enqueue here, a job ending): for jobs
   * queued elsewhere, and after a failed look. Default 5 s in-process, 1 s over pg-boss.
   */
  pollMs?: number;
  /** This runner's name in the jobs table. Default host:pid:random. */
  runner?: string;
}

export interface MaintenanceTask {
  name: string;
  everyMs: number;
  run(): Promise<void>;
}

export interface QueueDeps {
  store: Store;
  logger: Logger;
  metrics: ServiceMetrics;
  handlers: Partial<Record<JobKind, JobHandler>>;
}

/** Why a running job's signal was aborted. An Error, so handlers that rethrow the reason throw something sensible. */
export class JobStopped extends Error {
  override readonly name = 'AbortError';
  constructor(readonly why: 'cancelled' | 'shutdown' | 'lost') {
    super(why === 'shutdown' ? 'The service is shutting down; the job will run again.' : `The job was ${why === 'lost' ? 'taken over' : 'cancelled'}.`);
  }
}

export interface Claimed {
  job: RunningJob;
  /** Called once the job has ended here, whatever the outcome (pg-boss: completes its message). */
  release?(): Promise<void>;
}

interface Running {
  job: RunningJob;
  controller: AbortController;
  done: Promise<void>;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms).unref());

export abstract class QueueCore implements JobQueue {
  protected readonly store: Store;
  protected readonly logger: Logger;
  protected readonly runner: string;
  protected readonly concurrency: number;
  readonly #metrics: ServiceMetrics;
  readonly #handlers: Partial<Record<JobKind, JobHandler>>;
  readonly #settings: Required<Omit<QueueSettings, 'runner' | 'concurrency' | 'maintenance'>> & { maintenance: MaintenanceTask[] };
  readonly #running = new Map<string, Running>();
  #accepting = false;
  #started = false;
  #pumping: Promise<void> | undefined;
  #pumpAgain = false;
  #timers: NodeJS.Timeout[] = [];

  constructor(deps: QueueDeps, settings: QueueSettings = {}) {
    this.store = deps.store;
    this.logger = deps.logger;
    this.#metrics = deps.metrics;
    this.#handlers = deps.handlers;
    this.concurrency = Math.max(1, Math.trunc(settings.concurrency ?? 2));
    this.runner = settings.runner ?? `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
    this.#settings = {
      progressIntervalMs: settings.progressIntervalMs ?? 250,
      pollMs: settings.pollMs ?? 5000,
      heartbeatMs: settings.heartbeatMs ?? 5000,
      graceMs: settings.graceMs ?? 30_000,
      abortWaitMs: settings.abortWaitMs ?? 5000,
      maintenance: settings.maintenance ?? [],
    };
  }

  /** Claims up to `free` jobs to run now. */
  protected abstract takeWork(free: number): Promise<Claimed[]>;
  /** Runs in the enqueue transaction, after the row is written (pg-boss: sends the message with it). */
  protected abstract afterInsert(trx: Kysely<Database>, job: RunningJob): Promise<void>;
  /** Puts this runner's jobs back in the queue (state queued), so a later start, here or elsewhere, runs them. */
  protected abstract requeueOwn(jobIds: string[]): Promise<void>;
  /** Before work starts: whatever a previous run left behind becomes runnable again. */
  protected abstract recover(): Promise<void>;
  protected onStart(): Promise<void> {
    return Promise.resolve();
  }
  protected onStop(_graceMs: number): Promise<void> {
    return Promise.resolve();
  }
  /** Adds a timer that runs until stop(). */
  protected every(ms: number, what: string, work: () => Promise<void> | void): void {
    const timer = setInterval(() => {
      Promise.resolve()
        .then(work)
        .catch((error: unknown) => this.logger.warn({ err: error }, `job queue: ${what} failed`));
    }, ms);
    timer.unref();
    this.#timers.push(timer);
  }

  get accepting(): boolean {
    return this.#accepting;
  }

  async start(): Promise<void> {
    if (this.#started) return;
    this.#started = true;
    try {
      await this.onStart();
      await this.recover();
    } catch (error) {
      this.#started = false;
      for (const timer of this.#timers.splice(0)) clearInterval(timer);
      await this.onStop(0).catch(() => undefined);
      throw error;
    }
    this.#accepting = true;
    this.every(this.#settings.heartbeatMs, 'heartbeat', () => this.#heartbeat());
    this.every(this.#settings.pollMs, 'poll', () => this.wake());
    for (const task of this.#settings.maintenance) {
      const run = (): Promise<void> => task.run().catch((error: unknown) => this.logger.warn({ err: error }, `job queue: ${task.name} failed`));
      void run();
      this.every(task.everyMs, task.name, run);
    }
    this.logger.info({ runner: this.runner, concurrency: this.concurrency }, 'job queue started');
    this.wake();
  }

  async enqueue(o: { workspaceId: string; kind: JobKind; input: JsonValue; createdBy?: string }): Promise<Job> {
    if (this.#handlers[o.kind] === undefined) throw jobKindInvalid(String(o.kind), Object.keys(this.#handlers));
    const job = await inTransaction(this.store.db, async (trx) => {
      const inserted = await insertJob(trx, o);
      await this.afterInsert(trx, inserted);
      return inserted;
    });
    this.wake();
    return publicJob(job);
  }

  async get(workspaceId: string, id: string): Promise<Job> {
    const job = await getJob(this.store.db, workspaceId, id);
    if (!job) throw jobNotFound(id);
    return publicJob(job);
  }

  async list(workspaceId: string, o: { limit?: number; cursor?: string; kind?: JobKind; state?: JobState } = {}): Promise<JobPage> {
    const page = await listJobs(this.store.db, { workspaceId, ...o });
    return { jobs: page.jobs.map(publicJob), nextCursor: page.nextCursor };
  }

  async cancel(workspaceId: string, id: string): Promise<Job> {
    const cancelled = await cancelJob(this.store.db, workspaceId, id);
    if (!cancelled) throw jobNotFound(id);
    // Running here: stopped now. Running in another instance: its next heartbeat finds the row cancelled.
    if (cancelled.wasRunning) this.#running.get(id)?.controller.abort(new JobStopped('cancelled'));
    return publicJob(cancelled.job);
  }

  async stop(o: { graceMs?: number } = {}): Promise<void> {
    // Never started, it runs nothing; but enqueue may have opened the engine (pg-boss) to hand work to others.
    if (!this.#started) return this.onStop(0);
    this.#started = false;
    this.#accepting = false;
    await this.#pumping;
    const graceMs = o.graceMs ?? this.#settings.graceMs;
    const all = (): Promise<unknown> => Promise.allSettled([...this.#running.values()].map((r) => r.done));
    if (this.#running.size > 0 && graceMs > 0) await Promise.race([all(), sleep(graceMs)]);
    const left = [...this.#running.values()];
    if (left.length > 0) {
      for (const r of left) r.controller.abort(new JobStopped('shutdown'));
      // Queued again at once, so another instance may pick them up while these handlers wind down.
      await this.requeueOwn(left.map((r) => r.job.id)).catch((error: unknown) => this.logger.error({ err: error }, 'job queue: could not requeue running jobs'));
      await Promise.race([all(), sleep(this.#settings.abortWaitMs)]);
      // A handler still running here ignored its abort; the operator learns which, since the process exits under it.
      const stillRunning = left.filter((r) => this.#running.has(r.job.id)).map((r) => r.job.id);
      this.logger.info({ jobs: left.map((r) => r.job.id), stillRunning }, 'job queue: running jobs queued again for the next start');
    }
    for (const timer of this.#timers.splice(0)) clearInterval(timer);
    await this.onStop(graceMs);
  }

  /** Looks for work now (after an enqueue, a finished job, a poll). */
  protected wake(): void {
    if (!this.#accepting) return;
    if (this.#pumping) {
      this.#pumpAgain = true;
      return;
    }
    this.#pumping = this.#pump().finally(() => {
      this.#pumping = undefined;
    });
  }

  async #pump(): Promise<void> {
    try {
      do {
        this.#pumpAgain = false;
        while (this.#accepting && this.#running.size < this.concurrency) {
          const claimed = await this.takeWork(this.concurrency - this.#running.size);
          if (claimed.length === 0) break;
          for (const c of claimed) this.#run(c);
        }
      } while (this.#pumpAgain && this.#accepting);
    } catch (error) {
      this.logger.error({ err: error }, 'job queue: could not take work');
    }
  }

  #run(claimed: Claimed): void {
    const controller = new AbortController();
    const entry: Running = { job: claimed.job, controller, done: Promise.resolve() };
    this.#running.set(claimed.job.id, entry);
    entry.done = this.#execute(claimed, controller).finally(() => {
      this.#running.delete(claimed.job.id);
      this.wake();
    });
  }

  async #execute(claimed: Claimed, controller: AbortController): Promise<void> {
    const { job } = claimed;
    const started = performance.now();
    const log = this.logger.child({ jobId: job.id, kind: job.kind });
    const progress = new ProgressWriter(this.store, job.id, this.runner, this.#settings.progressIntervalMs, log);
    let outcome: string;
    try {
      const handler = this.#handlers[job.kind];
      if (handler === undefined) throw jobKindInvalid(job.kind, Object.keys(this.#handlers));
      let result: JsonValue | undefined;
      let failure: unknown;
      try {
        result = await handler(publicJob(job), { reportProgress: (p) => progress.report(p), signal: controller.signal });
      } catch (error) {
        failure = error;
      }
      await progress.flush();
      if (controller.signal.aborted) {
        // Cancelled: the row already says so. Shut down or taken over: the row is queued again, or someone else's.
        const why = controller.signal.reason instanceof JobStopped ? controller.signal.reason.why : 'cancelled';
        outcome = why === 'cancelled' ? 'cancelled' : 'requeued';
      } else if (failure === undefined) {
        const saved = await finishJob(this.store.db, job.id, this.runner, { state: 'succeeded', result: result ?? null, progress: { percent: 100, phase: 'done' } });
        outcome = saved ? 'succeeded' : 'cancelled';
      } else {
        const error = jobErrorOf(failure);
        if (failure instanceof AzdoError) log.warn({ code: error.code }, 'job failed');
        else log.error({ err: failure }, 'job failed unexpectedly');
        const saved = await finishJob(this.store.db, job.id, this.runner, { state: 'failed', error });
        outcome = saved ? 'failed' : 'cancelled';
      }
    } catch (error) {
      // The store failed while recording the end: the heartbeat stops, so the job is requeued once it is stale.
      log.error({ err: error }, 'job queue: could not record the end of a job');
      outcome = 'unrecorded';
    }
    this.#metrics.jobFinished(job.kind, outcome, (performance.now() - started) / 1000);
    await claimed.release?.().catch((error: unknown) => log.warn({ err: error }, 'job queue: could not release a job'));
  }

  async #heartbeat(): Promise<void> {
    const ids = [...this.#running.keys()];
    if (ids.length === 0) return;
    const held = await touchHeartbeats(this.store.db, this.runner, ids);
    for (const id of ids) {
      if (held.has(id)) continue;
      const entry = this.#running.get(id);
      if (!entry || entry.controller.signal.aborted) continue;
      // Cancelled through another instance, or requeued by one that thought this runner dead.
      const now = await getJobById(this.store.db, id);
      entry.controller.abort(new JobStopped(now?.state === 'cancelled' ? 'cancelled' : 'lost'));
    }
  }
}
