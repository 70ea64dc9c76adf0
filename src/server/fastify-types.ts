// What our plugins add to Fastify's types: the principal on each request, and each route's access level.
import type { Principal } from '../access/principal.js';
import type { ServiceContext } from './service-context.js';

/**
 * Who may call a route. public: anyone (health checks, sign-in); read: any signed-in caller of the workspace;
 * write: sessions and tokens with write or admin scope; admin: workspace admins and admin-scoped tokens.
 * Default when a route does not say: read for GET and HEAD, write otherwise.
 */
export type RouteAccess = 'public' | 'read' | 'write' | 'admin';

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: RouteAccess;
  }
  interface FastifyRequest {
    /** Set by plugins/auth for every route that is not public. */
    principal: Principal | undefined;
  }
  interface FastifyInstance {
    ctx: ServiceContext;
  }
}

/** The principal of a route that is not public (plugins/auth has refused the request otherwise). */
export function principalOf(request: { principal: Principal | undefined }): Principal {
  if (!request.principal) throw new Error('principalOf() called on a public route');
  return request.principal;
}
