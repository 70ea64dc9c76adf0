import type { FastifyReply, FastifyRequest } from 'fastify';
import type { SimulatorContext } from '../runtime/context.js';
import type { Host, Project } from '../state/model.js';
import { findHost, findProject } from '../state/lookup.js';
import { AdoErrors, sendAdoError, type AdoHttpError } from './ado-errors.js';
import { authenticate, hasAnyScope, type AuthOutcome, type Identity } from './authenticate.js';
import { apiVersionRange, checkApiVersion } from './api-version.js';

export interface AdoRouteConfig {
  /** Any one of these scopes is enough; none means any authenticated caller. */
  scopes?: string[];
  anonymous?: boolean;
  /** Git smart HTTP: anonymous callers get a Basic challenge so git asks its credential helper. */
  git?: boolean;
  /** Location-service and git routes take no api-version. */
  noApiVersion?: boolean;
  /** A GET whose answer depends only on the URL, the caller and the state: served from the response cache. */
  cache?: boolean;
}

export interface AdoRequest {
  host: Host;
  /** "" for a collection or organization at the root, "/tfs" under the virtual directory. */
  mount: string;
  origin: string;
  /** The organization or collection URL as the client called it: responses echo it. */
  baseUrl: string;
  identity?: Identity;
  project?: Project;
  /** Set when the answer may be stored in, or was found in, the response cache. */
  cacheKey?: string;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    ado?: AdoRouteConfig;
  }
  interface FastifyRequest {
    ado: AdoRequest;
  }
}

export const ZERO_TENANT = '00000000-0000-0000-0000-000000000000';

export function originOf(request: FastifyRequest, tls: boolean): string {
  return `${tls ? 'https' : 'http'}://${request.headers.host ?? 'localhost'}`;
}

/** Headers Azure DevOps sends to callers it does not know yet, naming the tenant to get a token from. */
export function challengeHeaders(host: Host, origin: string): Record<string, string> {
  const headers: Record<string, string> = {
    'www-authenticate': `Basic realm="${origin}/"`,
    'x-tfs-fedauthrealm': `${origin}/`,
  };
  if (host.kind === 'services') {
    headers['x-vss-resourcetenant'] = host.tenantId;
    headers['www-authenticate'] = `Bearer authorization_uri=${origin}/${host.tenantId}, ${headers['www-authenticate']}`;
  }
  return headers;
}

const SIGN_IN_PAGE = (origin: string): string =>
  `<!DOCTYPE html><html><head><title>Azure DevOps Services | Sign In</title></head><body>` +
  `<h1>Sign in to Azure DevOps</h1><p>Simulated sign-in page of the azdo-connect simulator at ${origin}.</p></body></html>`;

export function sendSignInPage(reply: FastifyReply, origin: string): FastifyReply {
  return reply
    .code(203)
    .header('location', `${origin}/_signin`)
    .type('text/html; charset=utf-8')
    .send(SIGN_IN_PAGE(origin));
}

function suppressesRedirect(request: FastifyRequest): boolean {
  return String(request.headers['x-tfs-fedauthredirect'] ?? '').toLowerCase() === 'suppress';
}

function sendAuthFailure(
  request: FastifyRequest,
  reply: FastifyReply,
  outcome: Exclude<AuthOutcome, { ok: true }>,
  host: Host,
  origin: string,
  config: AdoRouteConfig,
): FastifyReply {
  const challenge = challengeHeaders(host, origin);
  if (config.git) {
    // git only retries with credentials after a 401 carrying a Basic challenge.
    return reply.code(401).headers(challenge).type('text/plain; charset=utf-8').send('');
  }
  const signIn = 'anonymous' in outcome || outcome.signInPage;
  if (signIn && !suppressesRedirect(request)) return sendSignInPage(reply, origin);
  const error: AdoHttpError = 'anonymous' in outcome ? AdoErrors.unauthorized('') : outcome.error;
  if (request.method === 'HEAD') return reply.code(error.status).headers(challenge).send();
  return sendAdoError(reply, Object.assign(error, { extraHeaders: { ...error.extraHeaders, ...challenge } }));
}

/**
 * Runs before every route under an organization or collection: finds the host, checks the api-version,
 * authenticates, charges the rate limit, checks scopes and resolves the `{project}` segment.
 */
export function adoPreHandler(ctx: SimulatorContext, mount: string) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> => {
    const params = request.params as { host?: string; project?: string };
    const config = request.routeOptions.config.ado ?? {};
    const state = ctx.store.state;
    const host = params.host === undefined ? undefined : findHost(state, params.host);
    const origin = originOf(request, ctx.settings.tls);
    if (!host || (mount === '/tfs' && host.kind !== 'server')) {
      return sendAdoError(
        reply,
        AdoErrors.notFound(`The organization or collection '${params.host ?? ''}' does not exist.`, 'HostDoesNotExistException'),
      );
    }
    const baseUrl = `${origin}${mount}/${encodeURIComponent(params.host ?? host.name)}`;
    request.ado = { host, mount, origin, baseUrl };

    if (!config.noApiVersion) {
      const versionError = checkApiVersion(request, apiVersionRange(host));
      if (versionError) return sendAdoError(reply, versionError);
    }

    if (!config.anonymous) {
      const outcome = await authenticate(state, ctx.entraKey, request.headers.authorization, host, baseUrl);
      if (!outcome.ok) return sendAuthFailure(request, reply, outcome, host, origin, config);
      const identity = outcome.identity;
      request.ado.identity = identity;

      const decision = ctx.throttle.charge(identity.id);
      reply.headers(decision.headers);
      if (decision.blocked) {
        return sendAdoError(reply, AdoErrors.throttled(decision.blocked.resource, 'simulator', decision.blocked.retryAfter));
      }
      if (decision.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, decision.delayMs));

      if (!hasAnyScope(identity, config.scopes ?? [])) return sendAdoError(reply, AdoErrors.unauthorized(identity.id));
    }

    if (params.project !== undefined) {
      const project = findProject(host, params.project);
      if (!project) {
        const byId = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(params.project);
        return sendAdoError(
          reply,
          byId ? AdoErrors.projectNotFoundById(params.project) : AdoErrors.projectNotFoundByName(params.project),
        );
      }
      request.ado.project = project;
    }

    if (config.cache && request.method === 'GET' && request.ado.identity) {
      const key = `${request.ado.origin} ${request.url} ${request.ado.identity.id} ${ctx.store.version}.${ctx.repos.version}`;
      const hit = ctx.responses.get(key);
      if (hit) return reply.code(200).headers(hit.headers).type(hit.contentType).send(hit.body);
      request.ado.cacheKey = key;
    }
    return undefined;
  };
}

/** Stores what a cacheable route answered (see AdoRouteConfig.cache); registered once on the app. */
export function cacheResponse(ctx: SimulatorContext) {
  return async (request: FastifyRequest, reply: FastifyReply, payload: unknown): Promise<unknown> => {
    const key = request.ado?.cacheKey;
    if (key && reply.statusCode === 200 && typeof payload === 'string') {
      const token = reply.getHeader('x-ms-continuationtoken');
      ctx.responses.set(key, {
        body: payload,
        contentType: String(reply.getHeader('content-type') ?? 'application/json'),
        headers: token === undefined ? {} : { 'x-ms-continuationtoken': String(token) },
      });
    }
    return payload;
  };
}

/** Sends JSON the way Azure DevOps labels it. */
export function sendJson(reply: FastifyReply, body: unknown, status = 200): FastifyReply {
  return reply.code(status).type('application/json; charset=utf-8; api-version=7.1').send(JSON.stringify(body));
}
