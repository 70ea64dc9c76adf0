// A simulator with one Services organization (fabrikam) and one Server collection (DefaultCollection), each holding
// a repository with history, an empty one and a disabled one, and a workspace with connections to both over HTTPS
// (alice's PAT) and SSH (alice's key, the Server's host key pinned).
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { generateHistory } from '../../simulator/git/generate-history.js';
import { startSimulator, type RunningSimulator } from '../../simulator/index.js';
import type { ServiceEndpoints } from '../../src/azure/endpoints.js';
import type { Connection } from '../../src/connections/connection.js';
import type { ConnectionService } from '../../src/connections/connection-service.js';
import { knownHostsLine, scanHostKeys } from '../../src/connections/doctor/ssh-host-keys.js';
import { openConnectionService } from '../../src/connections/open-connection-service.js';
import type { SshCredential } from '../../src/credentials/credential.js';
import { connectionFor, simulatorEndpoints, sshKeyCredential } from '../connections/doctor/doctor-helpers.js';
import { run } from '../simulator/helpers.js';

export const HOSTS = { services: 'fabrikam', server: 'DefaultCollection' } as const;
export type Mode = keyof typeof HOSTS;
export const PROJECT = 'Fiber Web';

export interface MirrorWorld {
  sim: RunningSimulator;
  dir: string;
  dataDir: string;
  env: Record<string, string>;
  endpoints: ServiceEndpoints;
  connections: ConnectionService;
  pat: string;
  sshKey: SshCredential;
  /** known_hosts line pinning the simulator's SSH host key for 127.0.0.1:{sshPort}. */
  knownHosts: string;
  userId: string;
  /** A connection object (not stored) for the git-level tests. */
  connection(mode: Mode, transport: 'https' | 'ssh'): Connection;
  /** The stored connection's name for a mode and transport. */
  connectionName(mode: Mode, transport: 'https' | 'ssh'): string;
  /** Pushes `count` commits to `branch` of the repository through the control API; returns the new head. */
  push(mode: Mode, repository: string, count?: number, o?: { branch?: string; files?: Record<string, Buffer | string> }): Promise<string>;
  /** Adds a fault: `{path, status?, times?, latencyMs?, reset?}`. */
  fault(rule: Record<string, unknown>): Promise<void>;
  clearFaults(): Promise<void>;
  close(): Promise<void>;
}

let counter = 0;
let generated = 0;

export async function mirrorWorld(): Promise<MirrorWorld> {
  const sim = await startSimulator({ seed: 'empty' });
  const c = sim.control;
  for (const host of Object.values(HOSTS)) {
    await c.createHost(host === HOSTS.server ? { name: host, kind: 'server', serverVersion: '2022.1' } : { name: host });
  }
  const user = await c.createUser({ uniqueName: 'alice@example.com', hosts: [HOSTS.services, HOSTS.server] });
  const { token: pat } = await c.createPat({ user: user.id, scope: 'app_token' });
  const sshKey = await sshKeyCredential();
  await c.addSshKey({ user: user.id, publicKey: sshKey.publicKey });
  for (const host of Object.values(HOSTS)) {
    await c.createProject(host, { name: PROJECT });
    for (const name of ['web', 'empty-repo', 'legacy']) await c.createRepository(host, PROJECT, { name });
    await c.setRepositoryDisabled(host, PROJECT, 'legacy', true);
  }
  const scan = await scanHostKeys('127.0.0.1', sim.sshPort, ['rsa'], 5000);
  if (!scan.ok) throw new Error(`ssh-keyscan failed: ${scan.detail}`);
  const knownHosts = knownHostsLine('127.0.0.1', sim.sshPort, scan.keys[0]!);

  const dir = await mkdtemp(path.join(os.tmpdir(), 'azdo-mirror-'));
  const dataDir = path.join(dir, 'data');
  const env = { AZDO_CONNECT_DATA: dataDir, ...sim.ready.env };
  const connections = await openConnectionService({ env });
  const serverUrl = `${sim.url}/${HOSTS.server}`;
  const urls: Record<Mode, string> = { services: `https://dev.azure.com/${HOSTS.services}`, server: serverUrl };
  const names = (mode: Mode, transport: 'https' | 'ssh'): string => `${mode}-${transport}`;
  for (const mode of ['services', 'server'] as const) {
    await connections.addConnection({ name: names(mode, 'https'), url: urls[mode], credential: { type: 'pat', token: pat } });
    await connections.addConnection({
      name: names(mode, 'ssh'),
      url: urls[mode],
      credential: { type: 'ssh', privateKey: sshKey.privateKey },
      ...(mode === 'server' ? { ssh: { port: sim.sshPort, knownHosts } } : {}),
    });
  }

  const world: MirrorWorld = {
    sim,
    dir,
    dataDir,
    env,
    endpoints: simulatorEndpoints(sim),
    connections,
    pat,
    sshKey,
    knownHosts,
    userId: user.id,
    connection(mode, transport) {
      const credential = transport === 'https' ? { type: 'pat' as const, token: pat } : sshKey;
      return connectionFor(urls[mode], credential, mode === 'server' && transport === 'ssh' ? { ssh: { port: sim.sshPort, knownHosts } } : {});
    },
    connectionName: names,
    async push(mode, repository, count = 1, o = {}) {
      const commits = Array.from({ length: count }, (_, i) => {
        counter += 1;
        const files = o.files ?? { [`/file-${counter}.txt`]: `content ${counter} ${i}\n` };
        return {
          message: `commit ${counter}`,
          changes: Object.entries(files).map(([p, content]) => ({ changeType: 'add' as const, path: p, content: Buffer.isBuffer(content) ? content : Buffer.from(content) })),
        };
      });
      await c.pushCommits({ host: HOSTS[mode], project: PROJECT, repository, branch: o.branch ?? 'main', commits });
      const head = await run('git', ['--git-dir', repoDir(sim, mode, repository), 'rev-parse', `refs/heads/${o.branch ?? 'main'}`]);
      return head.stdout.trim();
    },
    async fault(rule) {
      const r = await fetch(`${sim.controlUrl}/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(rule) });
      if (!r.ok) throw new Error(`fault: ${r.status} ${await r.text()}`);
    },
    async clearFaults() {
      await fetch(`${sim.controlUrl}/faults`, { method: 'DELETE' });
    },
    async close() {
      await connections.close();
      await sim.stop();
      await rm(dir, { recursive: true, force: true, maxRetries: 5 });
    },
  };
  return world;
}

function simRepository(sim: RunningSimulator, mode: Mode, repository: string) {
  const host = sim.context.store.state.hosts.find((h) => h.name === HOSTS[mode])!;
  return host.projects.find((p) => p.name === PROJECT)!.repositories.find((r) => r.name === repository)!;
}

/** The simulator's own bare repository behind an Azure DevOps repository. */
export function repoDir(sim: RunningSimulator, mode: Mode, repository: string): string {
  return sim.context.repos.pathOf(simRepository(sim, mode, repository));
}

/** Appends a long generated history to a branch straight into the simulator's repository (git fast-import). */
export async function generate(sim: RunningSimulator, mode: Mode, repository: string, commits: number, branch = 'main'): Promise<string> {
  const repo = simRepository(sim, mode, repository);
  const tip = await generateHistory(sim.context.repos.git(repo), {
    branch,
    commits,
    authors: [{ name: 'Generated Author', email: 'gen@example.com', date: new Date('2025-01-01T00:00:00Z') }],
    // Histories are deterministic: another start date keeps two generated branches from being the same commits.
    startDate: new Date(Date.UTC(2025, 0, 1) + ++generated * 86_400_000),
    intervalSeconds: 1,
  });
  sim.context.repos.invalidate(repo.id);
  return tip;
}

/** `git fsck` of a mirror: exit code and output. */
export async function fsck(dir: string): Promise<{ code: number; output: string }> {
  const r = await run('git', ['--git-dir', dir, 'fsck', '--no-progress', '--connectivity-only']);
  return { code: r.code, output: `${r.stdout}${r.stderr}` };
}

export async function refsOf(dir: string): Promise<Record<string, string>> {
  const r = await run('git', ['--git-dir', dir, 'for-each-ref', '--format=%(refname) %(objectname)']);
  return Object.fromEntries(r.stdout.split('\n').filter((l) => l).map((l) => l.split(' ') as [string, string]));
}
