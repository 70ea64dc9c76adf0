// Errors as RFC 9457 problem JSON, with our stable code and hint beside the standard fields, so API users and the
// web UI react to `code` and show `hint` (beside `field`, when the error names one).
import { Type, type Static } from '@sinclair/typebox';
import { AzdoError } from '../errors/azdo-error.js';
import { errorCategory, UNEXPECTED, type ErrorCategory } from '../errors/error-category.js';

export const ProblemSchema = Type.Object(
  {
    type: Type.String({ description: 'A URL naming the kind of problem: the code\'s entry in docs/errors.md.' }),
    title: Type.String({ description: 'What happened, in the user\'s words.' }),
    status: Type.Integer(),
    code: Type.String({ description: 'Stable code, e.g. AZDO_CONNECTION_NOT_FOUND (docs/errors.md).' }),
    detail: Type.String({ description: 'The same as title; kept for clients that read only detail.' }),
    hint: Type.String({ description: 'How to fix it.' }),
    field: Type.Optional(Type.String({ description: 'The input field at fault, e.g. credential.token.' })),
    fields: Type.Optional(
      Type.Array(Type.Object({ field: Type.String(), code: Type.String(), message: Type.String(), hint: Type.String() }), {
        description: 'Every invalid field at once, when the input had several mistakes.',
      }),
    ),
    details: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: 'Facts safe to show: never secrets.' })),
  },
  { $id: 'Problem', title: 'Problem' },
);
export type Problem = Static<typeof ProblemSchema>;

export const HTTP_STATUS: Record<ErrorCategory, number> = {
  usage: 400,
  input: 400,
  not_found: 404,
  unavailable: 409,
  conflict: 409,
  cancelled: 409,
  unauthenticated: 401,
  forbidden: 403,
  too_large: 413,
  rate_limited: 429,
  upstream: 502,
  unexpected: 500,
};

const DOCS = 'https://github.com/azdo-connect/azdo-connect/blob/main/docs/errors.md';

/** Detail fields that are safe and useful to API callers (the rest stay in logs). */
const PUBLIC_DETAILS = new Set(['status', 'tfCode', 'typeKey', 'activityId', 'retryAfterSeconds', 'connection', 'repository', 'project', 'branch', 'jobId', 'limit']);

export function problemOf(error: unknown): Problem {
  if (!(error instanceof AzdoError)) {
    return {
      type: `${DOCS}#azdo_unexpected`,
      title: 'Something went wrong inside azdo-connect.',
      status: 500,
      code: UNEXPECTED,
      detail: 'Something went wrong inside azdo-connect.',
      hint: 'Try again; if it keeps happening, report it with the time of the request (the service log has the details).',
    };
  }
  const status = HTTP_STATUS[errorCategory(error)];
  const field = typeof error.details?.field === 'string' ? error.details.field : undefined;
  const fields = Array.isArray(error.details?.fields) ? (error.details.fields as Problem['fields']) : undefined;
  const details = Object.fromEntries(Object.entries(error.details ?? {}).filter(([k]) => PUBLIC_DETAILS.has(k)));
  return {
    type: `${DOCS}#${error.code.toLowerCase()}`,
    title: error.message,
    status,
    code: error.code,
    detail: error.message,
    hint: error.hint,
    ...(field ? { field } : {}),
    ...(fields ? { fields } : {}),
    ...(Object.keys(details).length > 0 ? { details } : {}),
  };
}
