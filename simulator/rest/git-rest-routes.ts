import type { FastifyInstance } from 'fastify';
import type { SimulatorContext } from '../runtime/context.js';
import { repositoryRoutes } from './repository-routes.js';
import { pushRoutes } from './push-routes.js';
import { pullRequestRoutes } from './pull-request-routes.js';

/** The git area of the REST API: repositories, refs, commits, items; pushes; pull requests. */
export async function gitRestRoutes(app: FastifyInstance, ctx: SimulatorContext): Promise<void> {
  await repositoryRoutes(app, ctx);
  await pushRoutes(app, ctx);
  await pullRequestRoutes(app, ctx);
}
