// Queues over real stores with handlers the test steers: each job waits until the test releases it (or its signal
// aborts it), so a test decides exactly when jobs end. These are the queue's injected handlers, not fakes of ours.
import { waitFor } from '../helpers/wait-for.js';
import { pino, type Logger } from 'pino';
import type { JsonValue } from '../../src/store/columns.js';
import { createJobQueue } from '../../src/jobs/create-job-queue.js';
import type { Job, JobContext, JobHandler, JobQueue } from '../../src/jobs/job-queue.js';
import type { PgBossQueueSettings } from '../../src/jobs/pg-boss-queue.js';
import { ServiceMetrics } from '../../src/server/metrics.js';
import type { Store } from '../../src/store/open-store.js';

/** Fast timings, so heartbeats, polls and sweeps happen within a test. */
export const FAST: PgBossQueueSettings = { heartbeatMs: 100, pollMs: 50, sweepMs: 100, progressIntervalMs: 100, abortWaitMs: 2000 };

export class RecordingMetrics extends ServiceMetrics {
  readonly finished: Array<{ kind: string; state: string; seconds: number }> = [];
  override jobFinished(kind: string, state: string, seconds: number): void {
    this.finished.push({ kind, state, seconds });
  }
}

interface Gate {
  job: Job;
  context: JobContext;
  resolve(value: JsonValue): void;
  reject(error: unknown): void;
}

/** A handler whose jobs run until released. */
export class Steered {
  /** Job ids in the order their handlers started (a job run twice appears twice). */
  readonly started: string[] = [];
  readonly #gates = new Map<string, Gate>();
  running = 0;
  maxRunning = 0;

  readonly handler: JobHandler = (job, context) => {
    this.started.push(job.id);
    this.running++;
    this.maxRunning = Math.max(this.maxRunning, this.running);
    return new Promise<JsonValue>((resolve, reject) => {
      this.#gates.set(job.id, { job, context, resolve, reject });
      context.signal.addEventListener('abort', () => reject(context.signal.reason), { once: true });
    }).finally(() => {
      this.running--;
      this.#gates.delete(job.id);
    });
  };

  context(id: string): JobContext {
    const gate = this.#gates.get(id);
    if (!gate) throw new Error(`job ${id} is not running`);
    return gate.context;
  }

  release(id: string, result: JsonValue = { ok: true }): void {
    const gate = this.#gates.get(id);
    if (!gate) throw new Error(`job ${id} is not running`);
    gate.resolve(result);
  }

  fail(id: string, error: unknown): void {
    const gate = this.#gates.get(id);
    if (!gate) throw new Error(`job ${id} is not running`);
    gate.reject(error);
  }

  isRunning(id: string): boolean {
    return this.#gates.has(id);
  }
}

export function queueOver(
  store: Store,
  handlers: { fetch: JobHandler; snapshot?: JobHandler },
  o: { metrics?: ServiceMetrics; settings?: PgBossQueueSettings; logger?: Logger } = {},
): JobQueue {
  return createJobQueue({
    store,
    logger: o.logger ?? pino({ level: 'silent' }),
    metrics: o.metrics ?? new ServiceMetrics(),
    handlers: { fetch: handlers.fetch, snapshot: handlers.snapshot ?? handlers.fetch },
    settings: { ...FAST, ...o.settings },
  });
}

export { waitFor };

export async function waitForState(queue: JobQueue, workspaceId: string, id: string, state: Job['state'], timeoutMs?: number): Promise<Job> {
  return waitFor(`job ${id} to be ${state}`, async () => {
    const job = await queue.get(workspaceId, id);
    return job.state === state ? job : undefined;
  }, timeoutMs);
}
