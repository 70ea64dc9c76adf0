// Every failure leaves the service as problem JSON (application/problem+json) with a stable code and a hint:
// our own errors as they are, Fastify's (validation, body size, media type, JSON syntax, rate limits) translated,
// and anything unexpected as a 500 that names the request id and nothing else.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AzdoError } from '../../errors/azdo-error.js';
import { problemOf, type Problem } from '../problem.js';

export const REQUEST_INVALID = 'AZDO_REQUEST_INVALID';
export const BODY_TOO_LARGE = 'AZDO_BODY_TOO_LARGE';
export const BODY_MALFORMED = 'AZDO_BODY_MALFORMED';
export const MEDIA_TYPE_UNSUPPORTED = 'AZDO_MEDIA_TYPE_UNSUPPORTED';
export const ROUTE_NOT_FOUND = 'AZDO_ROUTE_NOT_FOUND';
export const RATE_LIMITED = 'AZDO_RATE_LIMITED';

interface AjvError {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
}

/** "/credential/token" → "credential.token"; a missing property names itself. */
function fieldOf(e: AjvError): string {
  const path = e.instancePath.replace(/^\//, '').split('/').filter(Boolean);
  if (e.keyword === 'required' && typeof e.params.missingProperty === 'string') path.push(e.params.missingProperty);
  if (e.keyword === 'additionalProperties' && typeof e.params.additionalProperty === 'string') path.push(e.params.additionalProperty);
  return path.join('.');
}

function validationError(error: FastifyError): AzdoError {
  const errors = (error.validation ?? []) as AjvError[];
  const where = error.validationContext ?? 'body';
  const fields = errors.map((e) => {
    const field = fieldOf(e) || where;
    const message =
      e.keyword === 'additionalProperties' ? `${field} is not a field this request takes.` : `${field} ${e.message ?? 'is invalid'}.`;
    const hint = e.keyword === 'additionalProperties' ? `Leave ${field} out; see /openapi.json for the fields.` : `Correct ${field}; see /openapi.json for what it takes.`;
    return { field, code: REQUEST_INVALID, message, hint };
  });
  const first = fields[0];
  return new AzdoError(
    REQUEST_INVALID,
    fields.length === 1 && first ? first.message : `The request's ${where} has ${fields.length} mistakes.`,
    first?.hint ?? 'Correct the request; see /openapi.json.',
    { ...(first ? { field: first.field } : {}), fields },
  );
}

/** Fastify's own errors, in our words. */
export function translateFastifyError(error: FastifyError): AzdoError | undefined {
  if (error.validation) return validationError(error);
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AzdoError(BODY_TOO_LARGE, 'The request body is larger than this service accepts.', 'Send a smaller body; the limit is set by AZDO_CONNECT_BODY_LIMIT.');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AzdoError(MEDIA_TYPE_UNSUPPORTED, 'The request body is not in a format this route takes.', 'Send JSON with Content-Type: application/json.');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new AzdoError(BODY_MALFORMED, 'The request body is not valid JSON.', 'Send a JSON object with Content-Type: application/json.');
    default:
      break;
  }
  if (error instanceof SyntaxError || error.statusCode === 400) {
    return new AzdoError(BODY_MALFORMED, 'The request could not be read.', 'Check the body is valid JSON and the Content-Type header is application/json.');
  }
  if (error.statusCode === 429) {
    return new AzdoError(RATE_LIMITED, 'Too many requests in a short time.', 'Wait a minute and try again.');
  }
  return undefined;
}

export function sendProblem(reply: FastifyReply, problem: Problem): FastifyReply {
  return reply.code(problem.status).type('application/problem+json').send(problem);
}

export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const known = error instanceof AzdoError ? error : translateFastifyError(error);
    const problem = problemOf(known ?? error);
    if (problem.status >= 500) {
      // Logged with the request id; the answer carries the id only, never the internals.
      request.log.error({ err: error, reqId: request.id }, 'request failed');
      problem.details = { ...problem.details, requestId: request.id };
    }
    if (problem.status === 429 && error.statusCode === 429) {
      const retry = reply.getHeader('retry-after');
      if (retry !== undefined) problem.details = { ...problem.details, retryAfterSeconds: Number(retry) };
    }
    return sendProblem(reply, problem);
  });

  app.setNotFoundHandler((request: FastifyRequest, reply: FastifyReply) => {
    // The web UI is a single page: any other GET that asks for HTML gets index.html (routes/web-routes.ts).
    const spa = reply as FastifyReply & { sendFile?: (file: string) => FastifyReply };
    const wantsHtml = request.method === 'GET' && !request.url.startsWith('/api/') && (request.headers.accept ?? '').includes('text/html');
    if (wantsHtml && app.ctx.config.webRoot && spa.sendFile) return spa.sendFile('index.html');
    return sendProblem(
      reply,
      problemOf(new AzdoError(ROUTE_NOT_FOUND, `There is no ${request.method} ${request.url.split('?')[0]}.`, 'See /openapi.json (or /api/docs) for the routes of this service.')),
    );
  });
}
