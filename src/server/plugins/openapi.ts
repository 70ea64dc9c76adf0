// The API describes itself: every route's TypeBox schemas become OpenAPI 3 at /openapi.json (the web UI's typed
// client is generated from it), browsable at /api/docs. Both are public: the reference is no secret, the data is.
import type { FastifyInstance, RouteOptions } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { SESSION_COOKIE, CSRF_HEADER } from '../../access/principal.js';
import { packageVersion } from '../package-root.js';
import { ProblemSchema } from '../problem.js';

export const DOCS_PREFIX = '/api/docs';

const TAGS = [
  { name: 'session', description: 'Signing in and out, and who the caller is.' },
  { name: 'workspaces', description: 'Workspaces separate teams: each has its own connections, members and tokens.' },
  { name: 'members', description: 'Who belongs to the workspace, with which role; invitations by one-time link.' },
  { name: 'tokens', description: 'API tokens for scripts: shown once, stored hashed, with an expiry and a scope.' },
  { name: 'connections', description: 'Connections to Azure DevOps organizations and collections, their test and SSH keys.' },
  { name: 'repositories', description: 'Projects, repositories, branches, commits, pull requests, files, mirrors and snapshots.' },
  { name: 'jobs', description: 'Background work (fetches, snapshots) with progress.' },
  { name: 'operations', description: 'Health, readiness and Prometheus metrics.' },
];

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * What a route asks of its caller, in OpenAPI terms: nothing (public), a session cookie (plus the CSRF header for
 * unsafe methods), or an API token. Routes that say it themselves keep theirs.
 */
function describeSecurity(route: RouteOptions): void {
  const schema = route.schema as (Record<string, unknown> & { hide?: boolean }) | undefined;
  if (!schema || schema.hide || schema.security !== undefined) return;
  if (route.config?.access === 'public') {
    schema.security = [];
    return;
  }
  const methods = Array.isArray(route.method) ? route.method : [route.method];
  const unsafe = methods.some((m) => UNSAFE.has(m.toUpperCase()));
  schema.security = [unsafe ? { session: [], csrf: [] } : { session: [] }, { bearer: [] }];
}

/** style-src plus 'unsafe-inline', for the reference page only. */
export function relaxStylesForDocs(csp: string): string {
  if (/style-src[^;]*'unsafe-inline'/.test(csp)) return csp;
  return /style-src /.test(csp) ? csp.replace(/style-src /, "style-src 'unsafe-inline' ") : csp;
}

export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  // Routes refer to it as Type.Ref(ProblemSchema) ({ $ref: 'Problem' }); in the document it is components/schemas/Problem.
  app.addSchema(ProblemSchema);
  app.addHook('onRoute', describeSecurity);

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'azdo-connect',
        version: packageVersion(),
        description:
          'Connect any product to Azure DevOps (Services and Server). Errors are problem JSON (application/problem+json) with a ' +
          'stable `code` and a `hint`; lists page with `?limit=&cursor=` and answer `{ items, nextCursor }`; secrets are write-only.',
        license: { name: 'MIT' },
      },
      // Relative: the document is right wherever the service is mounted (localhost, behind a proxy).
      servers: [{ url: '/' }],
      tags: TAGS,
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE, description: 'The browser session, from POST /api/v1/sign-in.' },
          csrf: { type: 'apiKey', in: 'header', name: CSRF_HEADER, description: 'With a session, on every unsafe request: csrfToken from GET /api/v1/session.' },
          bearer: { type: 'http', scheme: 'bearer', description: 'An API token (POST /api/v1/tokens), for scripts. No CSRF header needed.' },
          metricsToken: { type: 'http', scheme: 'bearer', description: 'GET /metrics only, when AZDO_CONNECT_METRICS_TOKEN is set.' },
        },
      },
      security: [{ session: [] }, { bearer: [] }],
    },
    refResolver: {
      // Shared schemas keep their $id as their component name (Problem), so generated clients get readable types.
      buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`),
    },
  });

  app.get('/openapi.json', { config: { access: 'public' }, schema: { hide: true } }, async () => app.swagger());

  await app.register(async (docs) => {
    // Its routes (page, assets, document) are registered inside the plugin: mark them public on the way in.
    docs.addHook('onRoute', (route) => {
      route.config = { ...route.config, access: 'public' };
    });
    await docs.register(swaggerUi, {
      routePrefix: DOCS_PREFIX,
      uiConfig: { docExpansion: 'list', deepLinking: true, persistAuthorization: false, displayOperationId: true },
      // Its top bar ("Explore" any URL, a framework's logo) is no part of our reference.
      theme: { title: 'azdo-connect API', css: [{ filename: 'azdo-connect.css', content: '.swagger-ui .topbar { display: none; }' }] },
      // Swagger UI sets a few inline styles (React style attributes); the service's CSP (plugins/security.ts) refuses
      // them everywhere else. Scripts stay 'self' only: its scripts are files.
      transformStaticCSP: (header) => relaxStylesForDocs(header),
    });
  });
}
