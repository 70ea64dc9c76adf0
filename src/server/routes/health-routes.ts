// Operations endpoints, public so orchestrators and Prometheus reach them without a session: /healthz (the process
// answers), /readyz (it can do work: the store answers and the job queue runs) and /metrics (Prometheus text,
// optionally behind AZDO_CONNECT_METRICS_TOKEN).
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { sql } from 'kysely';
import { AzdoError } from '../../errors/azdo-error.js';
import { sendProblem } from '../plugins/error-handling.js';
import { ProblemSchema, problemOf } from '../problem.js';
import { servicePhase } from '../service-phase.js';

export const SERVICE_NOT_READY = 'AZDO_SERVICE_NOT_READY';
export const METRICS_AUTH_REQUIRED = 'AZDO_AUTH_REQUIRED';

/** A store slower than this is as good as down for a readiness probe (probes time out after a few seconds). */
const STORE_CHECK_TIMEOUT_MS = 2000;

const Ok = Type.Object({ status: Type.Literal('ok') }, { title: 'Health' });
const Readiness = Type.Object(
  {
    status: Type.Literal('ok'),
    checks: Type.Object({ store: Type.Literal('ok'), jobs: Type.Literal('ok') }),
  },
  { title: 'Readiness' },
);

async function storeAnswers(run: () => Promise<unknown>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), STORE_CHECK_TIMEOUT_MS);
  });
  try {
    return await Promise.race([run().then(() => true), timeout]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

function sameSecret(given: string, expected: string): boolean {
  // Digests first: equal lengths for timingSafeEqual, and no early exit that tells the length of the token.
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

export const healthRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const ctx = app.ctx;

  app.get(
    '/healthz',
    {
      config: { access: 'public' },
      schema: {
        tags: ['operations'],
        operationId: 'getHealth',
        summary: 'Liveness: the process runs and answers.',
        security: [],
        response: { 200: Ok },
      },
    },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/readyz',
    {
      config: { access: 'public' },
      schema: {
        tags: ['operations'],
        operationId: 'getReadiness',
        summary: 'Readiness: the store answers and the job queue runs; 503 while starting and from the start of a shutdown.',
        security: [],
        response: { 200: Readiness, 503: Type.Ref(ProblemSchema) },
      },
    },
    async (_request, reply) => {
      const phase = servicePhase(ctx);
      const problem = (message: string, hint: string): ReturnType<typeof sendProblem> =>
        sendProblem(reply.header('cache-control', 'no-store'), { ...problemOf(new AzdoError(SERVICE_NOT_READY, message, hint)), status: 503 });
      if (phase === 'stopping') return problem('The service is shutting down.', 'Send requests to another instance; this one finishes its work and exits.');
      if (phase === 'starting') return problem('The service is starting: its job queue is not running yet.', 'Wait a few seconds and ask again.');
      if (!(await storeAnswers(() => sql`select 1`.execute(ctx.store.db)))) {
        return problem('The service cannot reach its database.', 'Check that the database (DATABASE_URL, or the SQLite file under AZDO_CONNECT_DATA) is up and reachable; the log says more.');
      }
      return reply.header('cache-control', 'no-store').send({ status: 'ok' as const, checks: { store: 'ok' as const, jobs: 'ok' as const } });
    },
  );

  const metricsToken = ctx.config.metricsToken;
  app.get(
    '/metrics',
    {
      config: { access: 'public' },
      schema: {
        tags: ['operations'],
        operationId: 'getMetrics',
        summary: 'Prometheus metrics: requests, Azure DevOps calls by status, throttling delays, job durations, process.',
        description: 'Public unless AZDO_CONNECT_METRICS_TOKEN is set; then send it as `Authorization: Bearer <token>`.',
        security: metricsToken ? [{ metricsToken: [] }] : [],
        response: {
          200: { description: 'Prometheus text exposition format 0.0.4.', content: { 'text/plain': { schema: Type.String() } } },
          401: Type.Ref(ProblemSchema),
        },
      },
    },
    async (request, reply) => {
      if (metricsToken) {
        const given = /^Bearer\s+(.+)$/i.exec(request.headers.authorization ?? '')?.[1]?.trim() ?? '';
        if (!sameSecret(given, metricsToken)) {
          return sendProblem(
            reply.header('www-authenticate', 'Bearer realm="metrics"'),
            problemOf(new AzdoError(METRICS_AUTH_REQUIRED, 'GET /metrics needs the metrics token.', 'Send Authorization: Bearer <the value of AZDO_CONNECT_METRICS_TOKEN> (in Prometheus: authorization.credentials).')),
          );
        }
      }
      const text = await ctx.metrics.render();
      return reply.header('cache-control', 'no-store').type(ctx.metrics.contentType).send(text);
    },
  );
};
