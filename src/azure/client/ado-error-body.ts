import type { RawResponse } from './types.js';

/** Azure DevOps' JSON error body (FACTS §2.16). */
export interface AdoErrorBody {
  message?: string;
  typeKey?: string;
  typeName?: string;
  errorCode?: number;
  eventId?: number;
}

/** Azure DevOps' own code at the start of a message: TF401019, VS800075, VS30063, ... */
export function tfCodeOf(message: string | undefined): string | undefined {
  return message === undefined ? undefined : /^\s*((?:TF|VS)\d{5,6})\b/.exec(message)?.[1];
}

export function parseAdoErrorBody(raw: RawResponse): AdoErrorBody | undefined {
  let body: unknown;
  try {
    body = JSON.parse(raw.body.toString('utf8'));
  } catch {
    body = undefined;
  }
  const out: AdoErrorBody = {};
  if (body !== null && typeof body === 'object') {
    const b = body as Record<string, unknown>;
    if (typeof b['message'] === 'string') out.message = b['message'];
    if (typeof b['typeKey'] === 'string') out.typeKey = b['typeKey'];
    if (typeof b['typeName'] === 'string') out.typeName = b['typeName'];
    if (typeof b['errorCode'] === 'number') out.errorCode = b['errorCode'];
    if (typeof b['eventId'] === 'number') out.eventId = b['eventId'];
  }
  // Azure DevOps repeats the message, URL-encoded, in X-TFS-ServiceError: the only copy when the body is not JSON.
  const header = raw.headers['x-tfs-serviceerror'];
  if (out.message === undefined && header) {
    try {
      out.message = decodeURIComponent(header);
    } catch {
      out.message = header;
    }
  }
  return Object.keys(out).length > 0 ? out : undefined;
}
