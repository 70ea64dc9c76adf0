// A job's progress, saved so the API and the UI see it while the job runs, but not on every line git prints: at most
// once per interval, plus at once when the phase changes (a new phase is news; 41% → 42% can wait a moment).
import type { Logger } from 'pino';
import type { Store } from '../store/open-store.js';
import { updateProgress } from '../store/jobs-repo.js';
import type { JobProgress } from './job-queue.js';

const MAX_PHASE_LENGTH = 200;

/** Percent as a whole number from 0 to 100 (or null); the phase as a short line of text. */
export function cleanProgress(p: JobProgress): JobProgress {
  const percent = typeof p.percent === 'number' && Number.isFinite(p.percent) ? Math.min(100, Math.max(0, Math.round(p.percent))) : null;
  const phase = String(p.phase ?? '').replace(/\s+/g, ' ').trim().slice(0, MAX_PHASE_LENGTH) || 'working';
  return { percent, phase };
}

export class ProgressWriter {
  #pending: JobProgress | undefined;
  #lastPhase: string | undefined;
  #lastWrite = 0;
  #timer: NodeJS.Timeout | undefined;
  #writes: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: Store,
    private readonly jobId: string,
    private readonly runner: string,
    private readonly intervalMs: number,
    private readonly logger: Logger,
  ) {}

  report(progress: JobProgress): void {
    this.#pending = cleanProgress(progress);
    const sinceLast = Date.now() - this.#lastWrite;
    if (this.#pending.phase !== this.#lastPhase || sinceLast >= this.intervalMs) {
      this.#write();
    } else if (this.#timer === undefined) {
      // The last report of a burst is written too, once the interval has passed.
      this.#timer = setTimeout(() => this.#write(), this.intervalMs - sinceLast);
      this.#timer.unref();
    }
  }

  /** Writes what is still pending and waits for every write, so nothing lands after the job's final state. */
  async flush(): Promise<void> {
    if (this.#pending !== undefined) this.#write();
    await this.#writes;
  }

  #write(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    const progress = this.#pending;
    if (progress === undefined) return;
    this.#pending = undefined;
    this.#lastPhase = progress.phase;
    this.#lastWrite = Date.now();
    // One write at a time, in order: an older percent never overwrites a newer one.
    this.#writes = this.#writes
      .then(() => updateProgress(this.store.db, this.jobId, this.runner, progress))
      .then(
        () => undefined,
        (error: unknown) => this.logger.warn({ err: error, jobId: this.jobId }, 'could not save job progress'),
      );
  }
}
