// The demo simulator with a workspace holding a Services connection to fabrikam and a Server connection to
// DefaultCollection, both with alice's full-access PAT.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startSimulator, type RunningSimulator } from '../../simulator/index.js';
import type { ConnectionService } from '../../src/connections/connection-service.js';
import { openConnectionService } from '../../src/connections/open-connection-service.js';

export interface RepositoryWorld {
  sim: RunningSimulator;
  dir: string;
  dataDir: string;
  /** For CLI runs: the data directory and the simulator standing in for Azure DevOps Services. */
  env: Record<string, string>;
  connections: ConnectionService;
  /** alice's full-access PAT. */
  pat: string;
  /** Requests the simulator logged after `since` (REST and git over HTTP), and the newest sequence number. */
  requests(since: number): Promise<Array<{ method: string; url: string; status: number }>>;
  lastSeq(): Promise<number>;
  close(): Promise<void>;
}

export async function repositoryWorld(): Promise<RepositoryWorld> {
  const sim = await startSimulator({ seed: 'demo' });
  const alice = sim.ready.users.find((u) => u.name === 'alice@example.com');
  const pat = alice?.pats.find((p) => p.name === 'full')?.token;
  if (!pat) throw new Error('the demo seed gives alice a full PAT');
  const dir = await mkdtemp(path.join(os.tmpdir(), 'azdo-repos-'));
  const dataDir = path.join(dir, 'data');
  const env = { AZDO_CONNECT_DATA: dataDir, ...sim.ready.env };
  const connections = await openConnectionService({ env });
  await connections.addConnection({ name: 'fabrikam', url: 'https://dev.azure.com/fabrikam', credential: { type: 'pat', token: pat } });
  await connections.addConnection({ name: 'onprem', url: `${sim.url}/DefaultCollection`, credential: { type: 'pat', token: pat } });
  return {
    sim,
    dir,
    dataDir,
    env,
    connections,
    pat,
    async requests(since) {
      const log = (await (await fetch(`${sim.controlUrl}/requests?since=${since}`)).json()) as {
        requests: Array<{ method: string; url: string; status: number; transport?: string }>;
      };
      return log.requests.filter((r) => r.transport !== 'ssh' && !r.url.startsWith('/_simulator'));
    },
    async lastSeq() {
      return ((await (await fetch(`${sim.controlUrl}/requests`)).json()) as { lastSeq: number }).lastSeq;
    },
    async close() {
      await connections.close();
      await sim.stop();
      await rm(dir, { recursive: true, force: true, maxRetries: 5 });
    },
  };
}
