import type { FastifyInstance } from 'fastify';
import type { SimulatorContext } from '../runtime/context.js';

export async function pushRoutes(_app: FastifyInstance, _ctx: SimulatorContext): Promise<void> {}
