import type { AzdoError } from '../../errors/azdo-error.js';
import { DoctorCodes } from './doctor-codes.js';
import type { CheckStatus, DoctorCheck } from './doctor-types.js';

function roundMs(ms: number): number {
  return Math.round(ms * 10) / 10;
}

/** Keeps the checks in the order they are added and tells the listener at once, so a UI can show them live. */
export class CheckRecorder {
  readonly checks: DoctorCheck[] = [];

  constructor(private readonly onCheck?: (check: DoctorCheck) => void) {}

  add(check: DoctorCheck): DoctorCheck {
    const final = { ...check, durationMs: roundMs(check.durationMs) };
    this.checks.push(final);
    try {
      this.onCheck?.(final);
    } catch {
      // A listener that throws (a closed browser tab) must not stop the checks.
    }
    return final;
  }

  pass(id: string, message: string, durationMs: number, details?: Record<string, unknown>): DoctorCheck {
    return this.add({ id, code: DoctorCodes.ok, status: 'pass', durationMs, message, ...(details ? { details } : {}) });
  }

  problem(
    status: Exclude<CheckStatus, 'pass' | 'skip'>,
    id: string,
    code: string,
    message: string,
    hint: string,
    durationMs: number,
    details?: Record<string, unknown>,
  ): DoctorCheck {
    return this.add({ id, code, status, durationMs, message, hint, ...(details ? { details } : {}) });
  }

  /** An error the client or a credential raised, kept with its own code, message and hint. */
  error(id: string, error: AzdoError, durationMs: number, status: 'warn' | 'fail' = 'fail', override: { message?: string; hint?: string } = {}): DoctorCheck {
    const details = error.details !== undefined ? { ...error.details } : undefined;
    return this.problem(status, id, error.code, override.message ?? error.message, override.hint ?? error.hint, durationMs, details);
  }

  skip(id: string, reason: string): DoctorCheck {
    return this.add({ id, code: DoctorCodes.skipped, status: 'skip', durationMs: 0, message: `Skipped: ${reason}` });
  }

  skipAll(ids: readonly string[], reason: string): void {
    for (const id of ids) this.skip(id, reason);
  }

  get failed(): boolean {
    return this.checks.some((c) => c.status === 'fail');
  }
}
