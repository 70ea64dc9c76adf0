import { ControlError } from '../control/control-error.js';
import { SeedError } from './seed-schema.js';

// Applying a seed runs many independent steps at once; a failure is reported at the path of the seed entry that
// caused it, and every failure of a phase is reported together, as validation problems are.

/** Runs one step of a seed entry; failures become a SeedError naming `path` and the field at fault. */
export async function step<T>(path: string, work: () => Promise<T>, fieldNames: Record<string, string> = {}): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof SeedError) throw error;
    if (error instanceof ControlError) throw new SeedError([`${path}.${fieldNames[error.field] ?? error.field}: ${error.problem}`]);
    throw new SeedError([`${path}: ${(error as Error).message}`]);
  }
}

/** Waits for every step, then reports all their problems at once. */
export async function all<T>(steps: Array<Promise<T>>): Promise<T[]> {
  const outcomes = await Promise.allSettled(steps);
  const problems: string[] = [];
  for (const o of outcomes) {
    if (o.status === 'fulfilled') continue;
    if (o.reason instanceof SeedError) problems.push(...o.reason.problems);
    else throw o.reason;
  }
  if (problems.length > 0) throw new SeedError(problems);
  return outcomes.map((o) => (o as PromiseFulfilledResult<T>).value);
}

/** Commit dates that move forward, so histories read in order whatever runs in parallel. */
export class SeedClock {
  private next: number;

  constructor(
    start: Date,
    private readonly stepSeconds = 600,
  ) {
    this.next = Math.floor(start.getTime() / 1000);
  }

  tick(): Date {
    const date = new Date(this.next * 1000);
    this.next += this.stepSeconds;
    return date;
  }
}
