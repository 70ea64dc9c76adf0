import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { AddressInfo } from 'node:net';
import { SimulatorControl } from './control/simulator-control.js';
import { loadOrCreateSigningKey } from './entra/entra-keys.js';
import { buildSimulatorApp } from './http/simulator-app.js';
import type { SimulatorContext } from './runtime/context.js';
import { FaultInjector } from './runtime/faults.js';
import { RepositoryRuntime } from './runtime/repositories.js';
import { RequestLog } from './runtime/request-log.js';
import { ResponseCache } from './runtime/response-cache.js';
import { Throttle } from './runtime/throttle.js';
import type { SeedCredentials, SeedDocument } from './seeds/apply-seed.js';
import { loadOrCreateHostKey, startGitSsh } from './ssh/git-ssh.js';
import { StateStore } from './state/state-store.js';
import { loadOrCreateTls } from './tls.js';

export interface StartSimulatorOptions {
  /** HTTP(S) port; 0 picks a free one. */
  port?: number;
  /** SSH port; 0 picks a free one. */
  sshPort?: number;
  /** Interface to listen on (default 127.0.0.1). */
  host?: string;
  /** State directory; a new temporary directory (removed on stop) when absent. */
  dataDir?: string;
  /** 'demo', 'empty', a seed file (YAML or JSON) or a seed document. Applied only to a new state directory. */
  seed?: 'demo' | 'empty' | string | SeedDocument;
  /** Items per page when a client does not ask for a page size. */
  pageSize?: number;
  /** Serve HTTPS with a certificate from a CA the simulator generates. */
  tls?: boolean;
}

export interface ReadyUser {
  name: string;
  displayName: string;
  id: string;
  pat?: string;
  pats: Array<{ name: string; token: string; scope: string; validTo: string; organizations: string[] }>;
  sshPrivateKeyPath?: string;
  sshPublicKey?: string;
}

/** The one line of JSON printed when the simulator is ready, so scripts can use it. */
export interface ReadyInfo {
  url: string;
  sshUrl: string;
  organizations: string[];
  collections: string[];
  users: ReadyUser[];
  servicePrincipals: Array<{ displayName: string; tenantId: string; clientId: string; clientSecret: string; objectId: string }>;
  sshHostKeyFingerprint: string;
  dataDir: string;
  caFile?: string;
  controlUrl: string;
  /** Environment that points azdo-connect's Services endpoints (REST, SSH, Entra ID) at this simulator. */
  env: Record<string, string>;
}

export interface RunningSimulator extends ReadyInfo {
  port: number;
  sshPort: number;
  control: SimulatorControl;
  context: SimulatorContext;
  app: FastifyInstance;
  ready: ReadyInfo;
  stop(): Promise<void>;
}

/** Starts a simulated Azure DevOps (Services and Server) over HTTP(S) and SSH. */
export async function startSimulator(o: StartSimulatorOptions = {}): Promise<RunningSimulator> {
  const temporary = o.dataDir === undefined;
  const dataDir = path.resolve(o.dataDir ?? (await mkdtemp(path.join(os.tmpdir(), 'azdo-simulator-'))));
  const listenHost = o.host ?? '127.0.0.1';
  const store = await StateStore.open(dataDir);
  // Key generation is slow and independent of seeding: start it first, wait for it last.
  const hostKey = loadOrCreateHostKey(path.join(dataDir, 'ssh_host_rsa_key'));
  hostKey.catch(() => undefined);
  try {
    return await startOn(o, { dataDir, temporary, listenHost, store, hostKey });
  } catch (error) {
    // A failed start (a bad seed, a port in use) must not leave the key generation writing into the data
    // directory, nor the store open: the caller may remove the directory as soon as this rejects.
    await hostKey.catch(() => undefined);
    await store.close().catch(() => undefined);
    if (temporary) await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
}

interface StartState {
  dataDir: string;
  temporary: boolean;
  listenHost: string;
  store: StateStore;
  hostKey: ReturnType<typeof loadOrCreateHostKey>;
}

async function startOn(o: StartSimulatorOptions, { dataDir, temporary, listenHost, store, hostKey }: StartState): Promise<RunningSimulator> {
  // Both settled before either failure is thrown: Promise.all would reject at the first, leaving the other still
  // writing into the data directory that the caller may be about to remove.
  const [tlsMade, entraKeyMade] = await Promise.allSettled([
    o.tls ? loadOrCreateTls(path.join(dataDir, 'tls')) : undefined,
    loadOrCreateSigningKey(path.join(dataDir, 'entra-signing-key.json')),
  ]);
  if (tlsMade.status === 'rejected') throw tlsMade.reason;
  if (entraKeyMade.status === 'rejected') throw entraKeyMade.reason;
  const tls = tlsMade.value;
  const entraKey = entraKeyMade.value;
  const context: SimulatorContext = {
    store,
    repos: new RepositoryRuntime(store),
    entraKey,
    throttle: new Throttle(),
    faults: new FaultInjector(),
    log: new RequestLog(),
    responses: new ResponseCache(),
    settings: { pageSize: o.pageSize ?? 10, tls: tls !== undefined },
  };
  const control = new SimulatorControl(context);

  const credentialsFile = path.join(dataDir, 'seed-credentials.json');
  let credentials: SeedCredentials = { users: [], servicePrincipals: [] };
  if (store.state.hosts.length === 0 && o.seed !== 'empty') {
    // Seeding code (schemas, YAML) loads only when a new state directory is seeded, so restarts start faster.
    const { applySeed, loadSeed } = await import('./seeds/apply-seed.js');
    const seed = typeof o.seed === 'object' ? o.seed : await loadSeed(o.seed ?? 'demo');
    credentials = await applySeed(control, seed, { dataDir });
    // The seeded users' tokens and keys are the simulator's own test credentials; they are kept so a restart
    // with the same --data prints the same ready line.
    await writeFile(credentialsFile, JSON.stringify(credentials), { mode: 0o600 });
  } else {
    credentials = await readFile(credentialsFile, 'utf8').then((t) => JSON.parse(t) as SeedCredentials, () => credentials);
  }

  const app = await buildSimulatorApp(context, tls ? { https: tls } : {});
  let ssh: Awaited<ReturnType<typeof startGitSsh>>;
  try {
    await app.listen({ port: o.port ?? 0, host: listenHost });
    ssh = await startGitSsh(context, { host: listenHost, port: o.sshPort ?? 0, hostKey: await hostKey });
  } catch (error) {
    await app.close();
    throw error;
  }
  const port = (app.server.address() as AddressInfo).port;
  context.ssh = { port: ssh.port };

  const urlHost = listenHost === '0.0.0.0' || listenHost === '::' ? '127.0.0.1' : listenHost;
  const url = `${tls ? 'https' : 'http'}://${urlHost}:${port}`;
  const state = store.state;
  const ready: ReadyInfo = {
    url,
    sshUrl: `ssh://git@${urlHost}:${ssh.port}`,
    organizations: state.hosts.filter((h) => h.kind === 'services').map((h) => h.name),
    collections: state.hosts.filter((h) => h.kind === 'server').map((h) => h.name),
    users: credentials.users,
    servicePrincipals: credentials.servicePrincipals,
    sshHostKeyFingerprint: ssh.hostKeyFingerprint,
    dataDir,
    ...(tls ? { caFile: tls.caFile } : {}),
    controlUrl: `${url}/_simulator`,
    env: {
      AZDO_CONNECT_SERVICES_URL: url,
      AZDO_CONNECT_SERVICES_SSH: `${urlHost}:${ssh.port}`,
      AZDO_CONNECT_SERVICES_SSH_FINGERPRINT: ssh.hostKeyFingerprint,
      AZDO_CONNECT_ENTRA_AUTHORITY: url,
      ...(tls ? { NODE_EXTRA_CA_CERTS: tls.caFile } : {}),
    },
  };

  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    await Promise.allSettled([app.close(), ssh.close()]);
    await store.close();
    if (temporary) await rm(dataDir, { recursive: true, force: true });
  };
  return { ...ready, ready, port, sshPort: ssh.port, control, context, app, stop };
}
