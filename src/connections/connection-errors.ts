// Field errors for connection input: every problem names the field it is about, and all of them are reported at
// once, so a form (or a command line) can be fixed in one pass instead of one error per attempt.
import { AzdoError } from '../errors/azdo-error.js';

export const CONNECTION_INVALID = 'AZDO_CONNECTION_INVALID';

/** One mistake in one field. `field` is a path into the input: `name`, `url`, `credential.token`, `customHeaders.X-Id`. */
export interface FieldProblem {
  field: string;
  code: string;
  message: string;
  hint: string;
}

/** The field an error is about, when it carries one. */
export function fieldOf(error: unknown): string | undefined {
  const field = error instanceof AzdoError ? error.details?.field : undefined;
  return typeof field === 'string' ? field : undefined;
}

/** The same error, now naming its field. Details are kept (they are already safe to show). */
export function withField(error: AzdoError, field: string): AzdoError {
  return new AzdoError(error.code, error.message, error.hint, { ...error.details, field });
}

export function fieldError(field: string, message: string, hint: string, code = CONNECTION_INVALID): AzdoError {
  return new AzdoError(code, message, hint, { field });
}

/** Collects problems while every field is checked; `throwIfAny` turns them into one error. */
export class FieldProblems {
  readonly list: FieldProblem[] = [];

  add(field: string, error: unknown): void {
    if (!(error instanceof AzdoError)) throw error;
    // An error that names its own field knows better (a URL check can find fault with the kind given with it).
    this.list.push({ field: fieldOf(error) ?? field, code: error.code, message: error.message, hint: error.hint });
  }

  /** Runs `check`, recording its AzdoError under `field`; undefined when it failed. Other errors are bugs and escape. */
  check<T>(field: string, check: () => T): T | undefined {
    try {
      return check();
    } catch (error) {
      this.add(field, error);
      return undefined;
    }
  }

  has(prefix: string): boolean {
    return this.list.some((p) => p.field === prefix || p.field.startsWith(`${prefix}.`));
  }

  /**
   * One problem keeps its own code (AZDO_PAT_INVALID, AZDO_URL_UNSUPPORTED, ...) so callers can react to it; several
   * become AZDO_CONNECTION_INVALID listing each in `details.fields`.
   */
  throwIfAny(): void {
    const [first, ...rest] = this.list;
    if (!first) return;
    if (rest.length === 0) throw new AzdoError(first.code, first.message, first.hint, { field: first.field });
    throw new AzdoError(
      CONNECTION_INVALID,
      `The connection has ${this.list.length} problems: ${this.list.map((p) => `${p.field}: ${p.message}`).join(' ')}`,
      `Fix each field named: ${this.list.map((p) => `${p.field}: ${p.hint}`).join(' ')}`,
      { field: first.field, fields: this.list },
    );
  }
}
