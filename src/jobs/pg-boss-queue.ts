// Jobs over PostgreSQL, for several service instances sharing one database. pg-boss carries `{jobId}` to whichever
// instance has a free slot (one pg-boss queue per kind, FIFO within it); the jobs table stays the record users see,
// and each instance claims a job's row before running it, so a message delivered twice still runs the job once.
// An instance that dies stops its heartbeats: any other instance notices, queues its jobs again and sends them out.
import { CompiledQuery, sql, type Kysely } from 'kysely';
import PgBoss from 'pg-boss';
import type { Database, JobKind } from '../store/database.js';
import { inTransaction } from '../store/in-transaction.js';
import { claimJob, requeueJobs, type RunningJob } from '../store/jobs-repo.js';
import { toTimestamp } from '../store/columns.js';
import { jobQueueUnavailable } from './job-errors.js';
import { QueueCore, type Claimed, type QueueDeps, type QueueSettings } from './queue-core.js';

export interface PgBossQueueSettings extends QueueSettings {
  /** A running job whose runner has been silent this long is queued again. Default 60 s. */
  staleAfterMs?: number;
  /** How often to look for such jobs. Default 15 s. */
  sweepMs?: number;
}

interface Message {
  jobId: string;
}

/** pg-boss's name for the queue of one kind of job. */
export function bossQueueName(kind: JobKind): string {
  return `azdo-${kind}`;
}

/** pg-boss's tables live beside the store's: `{schema}_boss`, or `pgboss` for the default schema. */
export function bossSchemaFor(storeSchema: string): string {
  return storeSchema === 'public' ? 'pgboss' : `${storeSchema}_boss`;
}

/** pg-boss's own transactions: several statements in one text, from BEGIN to COMMIT. */
const SCRIPT = /^\s*BEGIN\s*;/i;

/**
 * pg-boss runs its SQL through the store's pool, or through a transaction of ours (so a send commits with it).
 * Its scripts get a connection of their own that is rolled back when they fail: a script failing halfway (two
 * instances creating pg-boss's tables at once, a lock timeout) would otherwise hand the pool a connection stuck in
 * an aborted transaction.
 */
function executorOf(db: Kysely<Database>): PgBoss.Db {
  return {
    async executeSql(text: string, values?: unknown[]) {
      const query = CompiledQuery.raw(text, values ?? []);
      if (db.isTransaction || !SCRIPT.test(text)) return { rows: (await db.executeQuery(query)).rows as unknown[] };
      return db.connection().execute(async (connection) => {
        try {
          return { rows: (await connection.executeQuery(query)).rows as unknown[] };
        } catch (error) {
          await connection.executeQuery(CompiledQuery.raw('ROLLBACK')).catch(() => undefined);
          throw error;
        }
      });
    },
  } as PgBoss.Db;
}

export class PgBossQueue extends QueueCore {
  readonly #kinds: JobKind[];
  readonly #staleAfterMs: number;
  readonly #sweepMs: number;
  #boss: Promise<PgBoss> | undefined;
  #nextKind = 0;

  constructor(deps: QueueDeps, settings: PgBossQueueSettings = {}) {
    // Other instances enqueue too: while slots are free, pg-boss is asked for work every second.
    super(deps, { ...settings, pollMs: settings.pollMs ?? 1000 });
    if (deps.store.dialect !== 'postgres') throw new Error('The pg-boss queue needs a PostgreSQL store.');
    this.#kinds = Object.keys(deps.handlers) as JobKind[];
    this.#staleAfterMs = settings.staleAfterMs ?? 60_000;
    this.#sweepMs = settings.sweepMs ?? 15_000;
  }

  /** Started on first use: enqueuing works before (or without) this instance taking work itself. */
  #ready(): Promise<PgBoss> {
    this.#boss ??= this.#startBoss().catch((error: unknown) => {
      this.#boss = undefined;
      throw error;
    });
    return this.#boss;
  }

  async #startBoss(): Promise<PgBoss> {
    const current = await sql<{ name: string }>`select current_schema() as name`.execute(this.store.db);
    const schema = bossSchemaFor(current.rows[0]?.name ?? 'public');
    const boss = new PgBoss({
      db: executorOf(this.store.db),
      schema,
      // No cron jobs; maintenance (expiry, archiving) stays on.
      schedule: false,
      supervise: true,
    });
    // Unhandled, an 'error' event would end the process; pg-boss retries its maintenance by itself.
    boss.on('error', (error) => this.logger.warn({ err: error }, 'pg-boss reported an error'));
    // Instances starting together would race creating pg-boss's tables and queues (pg-boss deadlocks on that), so
    // one sets up at a time, under a lock held by a connection of its own.
    try {
      await this.store.db.connection().execute(async (connection) => {
        const key = `azdo-connect:${schema}`;
        await sql`select pg_advisory_lock(hashtext(${key}))`.execute(connection);
        try {
          await boss.start();
          for (const kind of this.#kinds) {
            if (await boss.getQueue(bossQueueName(kind))) continue;
            // Delivery only: a job's failure is recorded in its row, and a dead instance's jobs are requeued by
            // heartbeat, so pg-boss does not retry; an unfinished message expires after 6 hours.
            await boss.createQueue(bossQueueName(kind), { name: bossQueueName(kind), retryLimit: 0, expireInSeconds: 6 * 3600 });
          }
        } finally {
          await sql`select pg_advisory_unlock(hashtext(${key}))`.execute(connection);
        }
      });
    } catch (error) {
      await boss.stop({ graceful: false }).catch(() => undefined);
      this.logger.error({ err: error, schema }, 'pg-boss could not start');
      throw jobQueueUnavailable(schema);
    }
    return boss;
  }

  protected override async onStart(): Promise<void> {
    await this.#ready();
    this.every(this.#sweepMs, 'stale job sweep', () => this.#sweepStale());
  }

  protected override async onStop(graceMs: number): Promise<void> {
    const pending = this.#boss;
    this.#boss = undefined;
    const boss = await pending?.catch(() => undefined);
    // Our handlers are done (or requeued) by now; this stops pg-boss's maintenance timers.
    await boss?.stop({ graceful: true, timeout: Math.max(1000, Math.min(graceMs, 5000)) });
  }

  protected async takeWork(free: number): Promise<Claimed[]> {
    const boss = await this.#ready();
    const claimed: Claimed[] = [];
    // Round robin over the kinds, so a long line of one kind does not starve the other.
    for (let i = 0; i < this.#kinds.length && claimed.length < free && this.accepting; i++) {
      const kind = this.#kinds[(this.#nextKind + i) % this.#kinds.length]!;
      const name = bossQueueName(kind);
      const messages = await boss.fetch<Message>(name, { batchSize: free - claimed.length });
      for (const message of messages) {
        const release = async (): Promise<void> => {
          await boss.complete(name, message.id);
        };
        const job = typeof message.data?.jobId === 'string' ? await claimJob(this.store.db, message.data.jobId, this.runner) : undefined;
        // Cancelled while queued, or already taken: the message has nothing left to do.
        if (!job) await release();
        else claimed.push({ job, release });
      }
    }
    this.#nextKind = (this.#nextKind + 1) % Math.max(1, this.#kinds.length);
    return claimed;
  }

  protected async afterInsert(trx: Kysely<Database>, job: RunningJob): Promise<void> {
    await this.#send(trx, [job]);
  }

  /** `again`: an interrupted job goes before those waiting, as it does in-process (it is older than they are). */
  async #send(trx: Kysely<Database>, jobs: ReadonlyArray<{ id: string; kind: JobKind }>, again = false): Promise<void> {
    if (jobs.length === 0) return;
    const boss = await this.#ready();
    for (const job of jobs) {
      await boss.send(bossQueueName(job.kind), { jobId: job.id } satisfies Message, { db: executorOf(trx), ...(again ? { priority: 1 } : {}) });
    }
  }

  protected async requeueOwn(jobIds: string[]): Promise<void> {
    await inTransaction(this.store.db, async (trx) => this.#send(trx, await requeueJobs(trx, { runner: this.runner, ids: jobIds }), true));
  }

  protected async recover(): Promise<void> {
    await this.#sweepStale();
  }

  /** Jobs whose runner went silent are queued again, with a new message, in one transaction. */
  async #sweepStale(): Promise<void> {
    const staleBefore = toTimestamp(new Date(Date.now() - this.#staleAfterMs));
    const requeued = await inTransaction(this.store.db, async (trx) => {
      const jobs = await requeueJobs(trx, { staleBefore });
      await this.#send(trx, jobs, true);
      return jobs;
    });
    if (requeued.length > 0) {
      this.logger.info({ jobs: requeued.map((j) => j.id) }, 'jobs of a runner that went silent were queued again');
      this.wake();
    }
  }
}
