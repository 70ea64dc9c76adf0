// Where a service is in its life, for GET /readyz: a load balancer sends traffic only while it is serving. Kept
// beside the context rather than in it, because only startService() moves it: a context built by tests (or by an
// embedder that starts the job queue itself) is taken to be serving.
import type { ServiceContext } from './service-context.js';

/** starting: the job queue is not running yet; stopping: a shutdown began (no new work is taken). */
export type ServicePhase = 'starting' | 'serving' | 'stopping';

const phases = new WeakMap<ServiceContext, ServicePhase>();

export function setServicePhase(ctx: ServiceContext, phase: ServicePhase): void {
  phases.set(ctx, phase);
}

export function servicePhase(ctx: ServiceContext): ServicePhase {
  return phases.get(ctx) ?? 'serving';
}
