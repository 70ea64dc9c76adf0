// Problem JSON (RFC 9457 plus our code and hint) as an Error the UI can show: the message, how to fix it, and which
// form fields it is about. Pure, so the mapping to fields is tested without a browser.

export interface ProblemField {
  field: string;
  code: string;
  message: string;
  hint: string;
}

export interface ProblemBody {
  type?: string;
  title?: string;
  status?: number;
  code?: string;
  detail?: string;
  hint?: string;
  field?: string;
  fields?: ProblemField[];
  details?: Record<string, unknown>;
}

export class ApiProblem extends Error {
  readonly status: number;
  readonly code: string;
  readonly hint: string;
  readonly field: string | undefined;
  readonly fields: ProblemField[];
  readonly details: Record<string, unknown>;

  constructor(status: number, body: ProblemBody) {
    super(body.title ?? body.detail ?? `The service answered ${status}.`);
    this.name = 'ApiProblem';
    this.status = status;
    this.code = body.code ?? 'AZDO_UNEXPECTED';
    this.hint = body.hint ?? '';
    this.field = body.field;
    this.fields = Array.isArray(body.fields) ? body.fields : [];
    this.details = body.details ?? {};
  }
}

function isProblemBody(value: unknown): value is ProblemBody {
  return typeof value === 'object' && value !== null && ('code' in value || 'title' in value);
}

/** The problem of a failed response body (already parsed, or text that was not JSON). */
export function problemOf(status: number, body: unknown): ApiProblem {
  if (isProblemBody(body)) return new ApiProblem(status, body);
  if (status === 0) {
    return new ApiProblem(0, { code: 'AZDO_NETWORK', title: 'The service could not be reached.', hint: 'Check that azdo-connect is running and your network connection, then try again.' });
  }
  return new ApiProblem(status, {
    code: 'AZDO_UNEXPECTED',
    title: `The service answered ${status} without saying why.`,
    hint: 'Try again; if it keeps happening, the service log has the details.',
  });
}

export interface FieldError {
  message: string;
  hint: string;
}

/**
 * Errors per form field: every entry of `fields`, else the single `field`. A field's errors also count for its
 * parents' names, so a form can show "credential.token" beside the token and "credential" beside the group.
 */
export function fieldErrors(error: unknown): Record<string, FieldError> {
  if (!(error instanceof ApiProblem)) return {};
  const out: Record<string, FieldError> = {};
  const list = error.fields.length > 0 ? error.fields : error.field ? [{ field: error.field, code: error.code, message: error.message, hint: error.hint }] : [];
  for (const f of list) {
    if (!out[f.field]) out[f.field] = { message: f.message, hint: f.hint };
  }
  return out;
}

/** The first error about `field` or anything inside it ("credential" matches "credential.token"). */
export function errorWithin(errors: Record<string, FieldError>, field: string): FieldError | undefined {
  return errors[field] ?? Object.entries(errors).find(([name]) => name.startsWith(`${field}.`))?.[1];
}

/**
 * Errors whose field the form does not show: it lists them at the top so nothing is lost. `shown` names fields
 * exactly, or with a trailing ".*" every field inside one ("customHeaders.*").
 */
export function unplacedErrors(errors: Record<string, FieldError>, shown: string[]): Array<FieldError & { field: string }> {
  const covers = (s: string, name: string) => (s.endsWith('.*') ? name.startsWith(s.slice(0, -1)) || name === s.slice(0, -2) : name === s);
  return Object.entries(errors)
    .filter(([name]) => !shown.some((s) => covers(s, name)))
    .map(([field, e]) => ({ field, ...e }));
}

/** The user-facing text of any error: a problem's message, or a generic sentence. */
export function messageOf(error: unknown): { message: string; hint: string } {
  if (error instanceof ApiProblem) return { message: error.message, hint: error.hint };
  if (error instanceof Error && error.name === 'AbortError') return { message: 'Stopped.', hint: '' };
  return { message: 'Something went wrong in the browser.', hint: error instanceof Error ? error.message : '' };
}
