// The service as a Fastify app, without listening: tests call app.inject(), startService() calls listen().
// Plugins first (errors, security headers, cookies, auth), then the routes, each file one area of the API.
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import './fastify-types.js';
import type { ServiceContext } from './service-context.js';
import { registerErrorHandling } from './plugins/error-handling.js';
import { registerValidation } from './plugins/validation.js';
import { registerSecurity } from './plugins/security.js';
import { registerCompression } from './plugins/compression.js';
import { registerAuth } from './plugins/auth.js';
import { registerOpenApi } from './plugins/openapi.js';
import { registerRequestMetrics } from './plugins/request-metrics.js';
import { healthRoutes } from './routes/health-routes.js';
import { sessionRoutes } from './routes/api/session-routes.js';
import { workspaceRoutes } from './routes/api/workspace-routes.js';
import { memberRoutes } from './routes/api/member-routes.js';
import { tokenRoutes } from './routes/api/token-routes.js';
import { connectionRoutes } from './routes/api/connection-routes.js';
import { repositoryRoutes } from './routes/api/repository-routes.js';
import { jobRoutes } from './routes/api/job-routes.js';
import { webRoutes } from './routes/web-routes.js';

export type App = FastifyInstance;


export async function buildApp(ctx: ServiceContext): Promise<App> {
  const app = Fastify({
    // pino's Logger is what Fastify logs with; its type is only wider than Fastify's.
    loggerInstance: ctx.logger as FastifyBaseLogger,
    bodyLimit: ctx.config.bodyLimit,
    // Behind a proxy the client's address is in X-Forwarded-For; sign-in rate limits key on it.
    trustProxy: process.env.AZDO_CONNECT_TRUST_PROXY === '1',
    // Request ids go into every log line and problem answer, so a user's report can be matched to the log.
    genReqId: () => crypto.randomUUID(),
    // plugins/request-metrics writes one access line per request itself, with the route pattern and no query.
    logController: new LogController({ disableRequestLogging: true }),
  }).withTypeProvider<TypeBoxTypeProvider>();
  app.decorate('ctx', ctx);
  app.decorateRequest('principal', undefined);

  registerErrorHandling(app);
  registerValidation(app);
  await registerRequestMetrics(app);
  await registerSecurity(app);
  await registerCompression(app);
  await registerOpenApi(app);
  await registerAuth(app);

  await app.register(healthRoutes);
  await app.register(
    async (api) => {
      await api.register(sessionRoutes);
      await api.register(workspaceRoutes);
      await api.register(memberRoutes);
      await api.register(tokenRoutes);
      await api.register(connectionRoutes);
      await api.register(repositoryRoutes);
      await api.register(jobRoutes);
    },
    { prefix: '/api/v1' },
  );
  await app.register(webRoutes);
  return app;
}
