// Builds what the service's routes and jobs share. startService() calls it with what the environment names;
// tests call it with a fresh store, so both run the same wiring.
import { pino, type Logger } from 'pino';
import type { ServiceEndpoints } from '../azure/endpoints.js';
import { createAccessService } from '../access/create-access-service.js';
import { ConnectionService } from '../connections/connection-service.js';
import type { Vault } from '../credentials/vault.js';
import { createJobQueue } from '../jobs/create-job-queue.js';
import { jobHandlers } from '../jobs/job-handlers.js';
import { snapshotSweepTask } from '../jobs/snapshot-files.js';
import type { Store } from '../store/open-store.js';
import { ServiceMetrics } from './metrics.js';
import type { ServiceConfig, ServiceContext } from './service-context.js';

export interface CreateServiceContextOptions {
  store: Store;
  vault: Vault;
  endpoints: ServiceEndpoints;
  config: Partial<ServiceConfig> & { dataDir: string };
  /** Default: a silent logger (tests); startService passes the JSON logger. */
  logger?: Logger;
  /** Default: a new registry per context, so tests never share counters. */
  metrics?: ServiceMetrics;
}

export const DEFAULT_PUBLIC_URL = 'http://localhost:8080';
export const DEFAULT_BODY_LIMIT = 1024 * 1024;

export function createServiceContext(o: CreateServiceContextOptions): ServiceContext {
  const config: ServiceConfig = {
    publicUrl: o.config.publicUrl ?? DEFAULT_PUBLIC_URL,
    dataDir: o.config.dataDir,
    bodyLimit: o.config.bodyLimit ?? DEFAULT_BODY_LIMIT,
    ...(o.config.webRoot !== undefined ? { webRoot: o.config.webRoot } : {}),
    ...(o.config.metricsToken ? { metricsToken: o.config.metricsToken } : {}),
  };
  const logger = o.logger ?? pino({ level: 'silent' });
  const metrics = o.metrics ?? new ServiceMetrics();
  const connectionsFor = (workspaceId: string): ConnectionService =>
    new ConnectionService({ store: o.store, vault: o.vault, workspaceId, endpoints: o.endpoints });
  const ctx: ServiceContext = {
    config,
    store: o.store,
    vault: o.vault,
    endpoints: o.endpoints,
    access: createAccessService({ store: o.store, vault: o.vault, publicUrl: config.publicUrl }),
    // Handlers read ctx (connections, metrics, data directory) only when a job runs, after ctx is complete.
    jobs: createJobQueue({ store: o.store, logger, metrics, handlers: jobHandlers(() => ctx), maintenance: [snapshotSweepTask(config.dataDir)] }),
    metrics,
    logger,
    connectionsFor,
  };
  return ctx;
}
