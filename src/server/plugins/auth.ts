// The gate in front of every route that is not public: who is calling (a session cookie or an API token), in which
// workspace, and whether the route's access level allows it. Sessions also prove each unsafe request came from our
// own pages (X-CSRF-Token); API tokens need not, since browsers never attach them on their own.
//
// Which routes are public: those with `config: { access: 'public' }`, and everything outside /api/v1 that does not
// say otherwise (health checks, metrics, the OpenAPI document and reference page, the web UI's files: none of them
// holds a workspace's data). Everything under /api/v1, routes that do not exist included, needs a caller: an
// anonymous request learns nothing of the API's shape.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ACCESS_DENIED, API_TOKEN_INVALID, AUTH_REQUIRED, CSRF_TOKEN_INVALID, CSRF_TOKEN_MISSING, authRequired } from '../../access/access-errors.js';
import { requireScope } from '../../access/access-policy.js';
import { CSRF_HEADER, SESSION_COOKIE, WORKSPACE_HEADER, type Principal } from '../../access/principal.js';
import { AzdoError } from '../../errors/azdo-error.js';
import type { ApiTokenScope } from '../../store/database.js';
import { ProblemSchema } from '../problem.js';
import type { RouteAccess } from '../fastify-types.js';
import { clearSessionCookie } from './session-cookie.js';

export const API_PREFIX = '/api/v1';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const BEARER = /^Bearer +(\S+) *$/i;

function isApiPath(path: string): boolean {
  return path === API_PREFIX || path.startsWith(`${API_PREFIX}/`);
}

/** The access level of the route a request matched (or, for no route, of its path). */
export function accessOf(method: string, routeUrl: string | undefined, requestUrl: string, declared: RouteAccess | undefined): RouteAccess {
  if (declared) return declared;
  if (!isApiPath(routeUrl ?? requestUrl.split('?')[0] ?? '')) return 'public';
  return SAFE_METHODS.has(method) ? 'read' : 'write';
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/**
 * The workspace a request names: the X-Azdo-Workspace header, or for a GET `?workspace=`, because a plain link (a
 * snapshot download) cannot carry a header. Still checked against the caller's memberships like the header.
 */
function chosenWorkspace(request: FastifyRequest): string | undefined {
  const header = headerValue(request.headers[WORKSPACE_HEADER])?.trim();
  if (header) return header;
  if (request.method !== 'GET') return undefined;
  const query = request.query as Record<string, unknown> | undefined;
  return typeof query?.workspace === 'string' && query.workspace.trim() !== '' ? query.workspace.trim() : undefined;
}

async function authenticate(app: FastifyInstance, request: FastifyRequest, reply: FastifyReply): Promise<Principal> {
  const access = app.ctx.access;
  const workspace = chosenWorkspace(request);
  const authorization = request.headers.authorization;
  if (authorization !== undefined) {
    const token = BEARER.exec(authorization)?.[1];
    if (!token) throw authRequired('The Authorization header is not "Bearer <API token>".');
    const principal = await access.authenticateToken(token);
    if (workspace !== undefined && workspace !== principal.workspaceId) {
      throw new AzdoError(ACCESS_DENIED, 'This API token belongs to another workspace than the one named in X-Azdo-Workspace.', 'Leave the header out, or use a token of that workspace.');
    }
    return principal;
  }
  const cookie = request.cookies[SESSION_COOKIE];
  if (!cookie) throw authRequired();
  try {
    return await access.authenticateSession(cookie, workspace);
  } catch (error) {
    // A dead session's cookie is of no more use: the browser may as well forget it.
    if (error instanceof AzdoError && error.code === AUTH_REQUIRED) clearSessionCookie(reply, app.ctx.config.publicUrl);
    throw error;
  }
}

function checkCsrf(app: FastifyInstance, request: FastifyRequest, principal: Principal): void {
  const sent = headerValue(request.headers[CSRF_HEADER]);
  if (sent === undefined || sent === '') {
    throw new AzdoError(CSRF_TOKEN_MISSING, 'This request lacks the X-CSRF-Token header that browser sessions must send.', 'Send the csrfToken of GET /api/v1/session in the X-CSRF-Token header (the web UI does this by itself).');
  }
  if (!app.ctx.access.verifyCsrf(principal, sent)) {
    throw new AzdoError(CSRF_TOKEN_INVALID, 'The X-CSRF-Token header does not belong to this session.', 'Load GET /api/v1/session again and send its csrfToken; reload the page if it keeps happening.');
  }
}

/**
 * Refusals for the operator: which rule, which route (its pattern: no ids, no query), who, if known. A request
 * without credentials is routine (debug); a bad token, a missing CSRF header or a denied role is worth a look.
 */
function logRefusal(request: FastifyRequest, error: unknown, principal?: Principal): void {
  if (!(error instanceof AzdoError)) return;
  const fields = {
    code: error.code,
    method: request.method,
    route: request.routeOptions.url ?? null,
    ...(principal ? { userId: principal.userId, workspaceId: principal.workspaceId, via: principal.via, ...(principal.tokenId ? { tokenId: principal.tokenId } : {}) } : {}),
  };
  if (error.code === AUTH_REQUIRED) request.log.debug(fields, 'request refused');
  else request.log.info(fields, 'request refused');
}

export async function registerAuth(app: FastifyInstance): Promise<void> {
  // Routes answer errors with `$ref: 'Problem'`; whoever registers first adds it.
  if (!app.getSchemas().Problem) app.addSchema(ProblemSchema);

  app.addHook('onRequest', async (request, reply) => {
    // Read once: Fastify builds the routeOptions object anew on every read.
    const route = request.routeOptions;
    const access = accessOf(request.method, route.url, request.url, route.config?.access);
    if (access === 'public') return;
    try {
      request.principal = await authenticate(app, request, reply);
    } catch (error) {
      logRefusal(request, error);
      // RFC 6750: a 401 names the scheme that would work.
      if (error instanceof AzdoError && (error.code === AUTH_REQUIRED || error.code === API_TOKEN_INVALID)) {
        reply.header('www-authenticate', `Bearer realm="azdo-connect"${error.code === API_TOKEN_INVALID ? ', error="invalid_token"' : ''}`);
      }
      throw error;
    }
    // A signed-in caller asking for a route that does not exist gets the plain 404.
    if (request.is404) return;
    const principal = request.principal;
    try {
      if (principal.via === 'session' && !SAFE_METHODS.has(request.method)) checkCsrf(app, request, principal);
      requireScope(principal, access as ApiTokenScope);
    } catch (error) {
      logRefusal(request, error, principal);
      throw error;
    }
  });
}
