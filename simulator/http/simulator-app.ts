import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { SimulatorContext } from '../runtime/context.js';
import { entraRoutes } from '../entra/entra-routes.js';
import { controlRoutes } from '../control/control-routes.js';
import { hostRoutes } from './host-routes.js';
import { profileRoutes } from '../rest/profile-routes.js';
import { AdoErrors, AdoHttpError, sendAdoError } from './ado-errors.js';
import { cacheResponse, challengeHeaders, originOf } from './ado-request.js';
import { findHost } from '../state/lookup.js';

export interface SimulatorAppOptions {
  https?: { key: string; cert: string };
}

/**
 * The simulator's HTTP face: Azure DevOps REST and git smart HTTP under `/{organization}` and
 * `/{collection}` (also `/tfs/{collection}`), Entra ID under `/{tenant}/oauth2`, and the control API under
 * `/_simulator`. Built without listening, so tests can `inject`.
 */
export async function buildSimulatorApp(ctx: SimulatorContext, o: SimulatorAppOptions = {}): Promise<FastifyInstance> {
  const serverOptions: FastifyServerOptions = {
    logger: false,
    // Azure DevOps routes are case-insensitive (pullRequests and pullrequests both work); parameters keep their case.
    routerOptions: { caseSensitive: false, ignoreTrailingSlash: true, maxParamLength: 2000 },
    bodyLimit: 64 * 1024 * 1024,
    requestIdHeader: false,
    // Control-API schemas reject unknown fields and wrong types instead of silently dropping or coercing them.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: true } },
    genReqId: () => randomUUID(),
  };
  const app: FastifyInstance = o.https
    ? (Fastify({ ...serverOptions, https: o.https } as never) as unknown as FastifyInstance)
    : Fastify(serverOptions);

  // git's request bodies are streamed to git itself; JSON Patch bodies are JSON.
  app.addContentTypeParser(/^application\/x-git-/, (_request, payload, done) => done(null, payload));
  app.addContentTypeParser('application/json-patch+json', { parseAs: 'string' }, (_request, body, done) => {
    try {
      done(null, JSON.parse(body as string));
    } catch {
      done(Object.assign(new Error('The request body is not valid JSON.'), { statusCode: 400 }), undefined);
    }
  });

  app.addHook('onRequest', async (request, reply) => {
    // Azure DevOps ties every response to one activity id, under three names.
    reply.headers({ activityid: request.id, 'x-tfs-session': request.id, 'x-vss-e2eid': request.id });
    const fault = ctx.faults.take(request.method, request.url.split('?')[0] ?? '/');
    if (!fault) return;
    if (fault.latencyMs) await new Promise((resolve) => setTimeout(resolve, fault.latencyMs));
    if (fault.reset) {
      request.raw.socket.destroy();
      return reply;
    }
    if (fault.status) {
      return sendAdoError(
        reply,
        new AdoHttpError(fault.status, 'SimulatedFaultException', 'AzdoConnect.Simulator.SimulatedFaultException', `Simulated fault: HTTP ${fault.status}.`),
      );
    }
    return undefined;
  });

  app.addHook('onSend', cacheResponse(ctx));

  app.addHook('onResponse', async (request, reply) => {
    ctx.log.add({
      time: new Date().toISOString(),
      method: request.method,
      url: request.url,
      status: reply.statusCode,
      durationMs: Math.round(reply.elapsedTime * 100) / 100,
      ...(request.ado?.identity ? { identity: request.ado.identity.id } : {}),
      transport: 'http',
    });
  });

  app.setErrorHandler(async (error, request, reply) => {
    if (error instanceof AdoHttpError) return sendAdoError(reply, error);
    const e = error as { statusCode?: number; message?: string; code?: string };
    if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500) {
      return sendAdoError(reply, new AdoHttpError(e.statusCode, 'ArgumentException', 'System.ArgumentException, mscorlib', e.message ?? 'Bad request.'));
    }
    request.log.error(error);
    return sendAdoError(reply, new AdoHttpError(500, 'SimulatorException', 'AzdoConnect.Simulator.SimulatorException', `The simulator failed: ${e.message ?? 'unknown error'}`));
  });

  app.setNotFoundHandler(async (request, reply) =>
    sendAdoError(reply, AdoErrors.notFound(`The controller for path '${request.url.split('?')[0]}' was not found or does not implement IController.`, 'HttpException')),
  );

  // Anonymous probe of an organization URL: answers who to authenticate with (FACTS §3.2, ENTRA §0.5).
  app.head<{ Params: { host: string } }>('/:host', async (request, reply) => {
    const host = findHost(ctx.store.state, request.params.host);
    if (!host) return reply.code(404).send();
    const origin = originOf(request, ctx.settings.tls);
    return reply.code(401).headers(challengeHeaders(host, origin)).send();
  });

  await app.register(async (scope) => profileRoutes(scope, ctx));
  await app.register(async (scope) => controlRoutes(scope, ctx), { prefix: '/_simulator' });
  await app.register(async (scope) => {
    await entraRoutes(scope, {
      key: ctx.entraKey,
      findServicePrincipal: (tenantId, appId) => {
        const principal = ctx.store.state.servicePrincipals.find((p) => p.tenantId === tenantId && p.appId === appId);
        return principal && { ...principal, objectId: principal.id };
      },
      knownTenant: (tenantId) => ctx.store.state.hosts.some((h) => h.tenantId === tenantId) || ctx.store.state.servicePrincipals.some((p) => p.tenantId === tenantId),
      baseUrl: (request) => originOf(request, ctx.settings.tls),
    });
  });
  await app.register(hostRoutes(ctx, ''), { prefix: '/:host' });
  await app.register(hostRoutes(ctx, '/tfs'), { prefix: '/tfs/:host' });
  return app;
}
