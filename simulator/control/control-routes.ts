import type { FastifyInstance } from 'fastify';
import type { SimulatorContext } from '../runtime/context.js';

export async function controlRoutes(_app: FastifyInstance, _ctx: SimulatorContext): Promise<void> {}
