import type { FastifyInstance } from 'fastify';
import type { SimulatorContext } from '../runtime/context.js';
import { adoPreHandler } from './ado-request.js';
import { locationRoutes } from '../rest/location-routes.js';
import { coreRoutes } from '../rest/core-routes.js';
import { gitRestRoutes } from '../rest/git-rest-routes.js';
import { gitHttpRoutes } from '../git/git-http-routes.js';
import { featureRoutes } from '../rest/feature-routes.js';

/** Everything under one organization or collection URL; mounted at `/{host}` and at `/tfs/{host}`. */
export function hostRoutes(ctx: SimulatorContext, mount: '' | '/tfs') {
  return async (app: FastifyInstance): Promise<void> => {
    app.decorateRequest('ado', null as never);
    app.addHook('preHandler', adoPreHandler(ctx, mount));
    await locationRoutes(app, ctx);
    await coreRoutes(app, ctx);
    await gitRestRoutes(app, ctx);
    await gitHttpRoutes(app, ctx);
    await featureRoutes(app, ctx);
  };
}
