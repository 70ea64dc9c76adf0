import type { EntraSigningKey } from '../entra/entra-keys.js';
import type { StateStore } from '../state/state-store.js';
import type { FaultInjector } from './faults.js';
import type { RepositoryRuntime } from './repositories.js';
import type { RequestLog } from './request-log.js';
import type { ResponseCache } from './response-cache.js';
import type { Throttle } from './throttle.js';

/** Everything a route of the simulator may use; one per running simulator. */
export interface SimulatorContext {
  store: StateStore;
  repos: RepositoryRuntime;
  entraKey: EntraSigningKey;
  throttle: Throttle;
  faults: FaultInjector;
  log: RequestLog;
  responses: ResponseCache;
  settings: SimulatorSettings;
  /** Where the SSH server listens, once it does; repository objects advertise it in sshUrl. */
  ssh?: { port: number };
}

export interface SimulatorSettings {
  /** Items per page for continuation-token listings, and the default $top: small, so clients cross pages. */
  pageSize: number;
  tls: boolean;
}
