// One queue interface, two engines: jobs run in this process over the embedded SQLite store, and through pg-boss
// over PostgreSQL, where several service instances share the work.
import type { Logger } from 'pino';
import type { ServiceMetrics } from '../server/metrics.js';
import type { Store } from '../store/open-store.js';
import { InProcessQueue } from './in-process-queue.js';
import type { JobHandler, JobKind, JobQueue } from './job-queue.js';
import { PgBossQueue, type PgBossQueueSettings } from './pg-boss-queue.js';
import type { MaintenanceTask } from './queue-core.js';

export const JOB_CONCURRENCY_ENV = 'AZDO_CONNECT_JOB_CONCURRENCY';

export interface CreateJobQueueOptions {
  store: Store;
  logger: Logger;
  metrics: ServiceMetrics;
  handlers: Record<JobKind, JobHandler>;
  /** Periodic work tied to the queue's life (e.g. deleting old snapshot files). */
  maintenance?: MaintenanceTask[];
  /** Tuning, mostly for tests; concurrency defaults to AZDO_CONNECT_JOB_CONCURRENCY, else 2. */
  settings?: PgBossQueueSettings;
}

/** Jobs one instance runs at once: AZDO_CONNECT_JOB_CONCURRENCY (1 to 64), else 2. */
export function concurrencyFromEnv(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const text = env[JOB_CONCURRENCY_ENV]?.trim();
  if (!text) return undefined;
  const n = Number(text);
  return Number.isInteger(n) && n >= 1 && n <= 64 ? n : undefined;
}

export function createJobQueue(o: CreateJobQueueOptions): JobQueue {
  const concurrency = o.settings?.concurrency ?? concurrencyFromEnv();
  if (concurrency === undefined && process.env[JOB_CONCURRENCY_ENV]?.trim()) {
    o.logger.warn(`${JOB_CONCURRENCY_ENV} is not a whole number from 1 to 64; running 2 jobs at once`);
  }
  const settings: PgBossQueueSettings = {
    ...o.settings,
    ...(concurrency !== undefined ? { concurrency } : {}),
    ...(o.maintenance ? { maintenance: o.maintenance } : {}),
  };
  const deps = { store: o.store, logger: o.logger, metrics: o.metrics, handlers: o.handlers };
  return o.store.dialect === 'postgres' ? new PgBossQueue(deps, settings) : new InProcessQueue(deps, settings);
}
