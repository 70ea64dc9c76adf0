// Jobs run inside this process, for the embedded SQLite store: one service process owns the data directory, so the
// jobs table alone is the queue. Work is taken oldest first; a job left running by a process that died (or was
// stopped) is queued again when the next one starts.
import type { Kysely } from 'kysely';
import type { Database } from '../store/database.js';
import { claimJob, oldestQueued, requeueJobs, type RunningJob } from '../store/jobs-repo.js';
import { QueueCore, type Claimed, type QueueDeps, type QueueSettings } from './queue-core.js';

export class InProcessQueue extends QueueCore {
  constructor(deps: QueueDeps, settings: QueueSettings = {}) {
    super(deps, settings);
  }

  protected async takeWork(free: number): Promise<Claimed[]> {
    const claimed: Claimed[] = [];
    // A few more candidates than slots: one may be cancelled between the read and the claim.
    for (const id of await oldestQueued(this.store.db, free + 2)) {
      if (claimed.length >= free) break;
      const job = await claimJob(this.store.db, id, this.runner);
      if (job) claimed.push({ job });
    }
    return claimed;
  }

  protected afterInsert(_trx: Kysely<Database>, _job: RunningJob): Promise<void> {
    return Promise.resolve();
  }

  protected async requeueOwn(jobIds: string[]): Promise<void> {
    await requeueJobs(this.store.db, { runner: this.runner, ids: jobIds });
  }

  protected async recover(): Promise<void> {
    // Whatever is still running belongs to a process that is gone: this store has one service process at a time.
    const requeued = await requeueJobs(this.store.db, { all: true });
    if (requeued.length > 0) this.logger.info({ jobs: requeued.map((j) => j.id) }, 'jobs left running by a previous run were queued again');
  }
}
