// What the service's routes and jobs share: one store, one vault, the queue, and a way to reach the connections
// of one workspace. Built once by startService (or by tests) and handed to buildApp.
import type { Logger } from 'pino';
import type { ServiceEndpoints } from '../azure/endpoints.js';
import type { AccessService } from '../access/access-service.js';
import type { ConnectionService } from '../connections/connection-service.js';
import type { Vault } from '../credentials/vault.js';
import type { JobQueue } from '../jobs/job-queue.js';
import type { Store } from '../store/open-store.js';
import type { ServiceMetrics } from './metrics.js';

export interface ServiceConfig {
  /** The URL people open, used in sign-in links and to decide cookie security. Default http://localhost:8080. */
  publicUrl: string;
  /** Where mirrors, snapshots and the SQLite file live. */
  dataDir: string;
  /** Largest JSON body accepted, in bytes. Default 1 MiB. */
  bodyLimit: number;
  /** Where the built web UI is (index.html and assets); absent: the UI is not served. */
  webRoot?: string;
  /** AZDO_CONNECT_METRICS_TOKEN: when set, GET /metrics wants it as a Bearer token; absent: /metrics is public. */
  metricsToken?: string;
}

export interface ServiceContext {
  config: ServiceConfig;
  store: Store;
  vault: Vault;
  endpoints: ServiceEndpoints;
  access: AccessService;
  jobs: JobQueue;
  metrics: ServiceMetrics;
  logger: Logger;
  /** The connection service of one workspace; cheap (no I/O), so routes call it per request. */
  connectionsFor(workspaceId: string): ConnectionService;
}
