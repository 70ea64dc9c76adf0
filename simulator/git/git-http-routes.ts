import type { FastifyInstance } from 'fastify';
import type { SimulatorContext } from '../runtime/context.js';

/** git smart HTTP under `{project}/_git/{repo}` and `_git/{repo}`. */
export async function gitHttpRoutes(_app: FastifyInstance, _ctx: SimulatorContext): Promise<void> {}
