// Feeds the service's metrics: every answered request (by route pattern, so /metrics stays small whatever URLs are
// asked), and every Azure DevOps call and throttling wait of the process, observed at the client. Also the access
// log: one line per request, without its query string (Fastify's own request logging is off, see build-app.ts).
import type { FastifyInstance } from 'fastify';
import { observeAzdoClients } from '../../azure/client/client-observers.js';

/** The label of requests no route matched: one series, not one per URL a scanner tries. */
export const UNMATCHED_ROUTE = '(unmatched)';

/** Asked every few seconds by orchestrators and Prometheus: logged at debug only. */
const PROBES = new Set(['/healthz', '/readyz', '/metrics']);

export async function registerRequestMetrics(app: FastifyInstance): Promise<void> {
  const metrics = app.ctx.metrics;

  // Plain values only: the line is flat, so checking it for secrets (service-logger.ts) is one scan of its text.
  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? UNMATCHED_ROUTE;
    const elapsed = reply.elapsedTime;
    metrics.httpRequest(request.method, route, reply.statusCode, elapsed / 1000);
    const query = request.url.indexOf('?');
    const line = { method: request.method, path: query === -1 ? request.url : request.url.slice(0, query), route, status: reply.statusCode, ms: Math.round(elapsed) };
    if (PROBES.has(route)) request.log.debug(line, 'request');
    else request.log.info(line, 'request');
    done();
  });

  // Process-wide: the clients are made deep in the library (connection tests, repository access, jobs). Several apps
  // in one process (tests) would each count every call; a service runs one.
  const stop = observeAzdoClients({
    onResponse: (info) => metrics.azdoResponse(info.status, info.durationMs / 1000),
    onThrottleDelay: (delay) => metrics.throttleDelay(delay.ms / 1000),
  });
  app.addHook('onClose', async () => stop());
}
