/**
 * The one error type users see. `code` is stable (documented in docs/errors.md) so the CLI, the API and the UI
 * can react to it; `message` says what happened in the user's words; `hint` says how to fix it.
 * `details` must never hold secrets: callers pass only values already safe to log.
 */
export class AzdoError extends Error {
  override readonly name = 'AzdoError';
  readonly code: string;
  readonly hint: string;
  readonly details?: Record<string, unknown>;

  constructor(code: string, message: string, hint: string, details?: Record<string, unknown>) {
    super(message);
    this.code = code;
    this.hint = hint;
    if (details !== undefined) this.details = details;
  }
}
