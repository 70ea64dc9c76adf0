import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'vitest';
import type { RunningSimulator } from '../../../simulator/index.js';
import type { ServiceEndpoints } from '../../../src/azure/endpoints.js';
import { organizationUrl, parseAzureUrl } from '../../../src/azure/urls.js';
import type { Connection } from '../../../src/connections/connection.js';
import type { DoctorCheck, DoctorReport } from '../../../src/connections/doctor/doctor-types.js';
import type { Credential, SshCredential } from '../../../src/credentials/credential.js';
import { importSshPrivateKey } from '../../../src/credentials/ssh-keys.js';

const run = promisify(execFile);

export function simulatorEndpoints(sim: RunningSimulator): ServiceEndpoints {
  return { servicesUrl: sim.url, sshHost: '127.0.0.1', sshPort: sim.sshPort, pinnedHostKeys: [sim.sshHostKeyFingerprint], entraAuthority: sim.url };
}

export function connectionFor(url: string, credential: Credential, extra: Partial<Connection> = {}): Connection {
  const { deployment } = parseAzureUrl(url);
  const now = new Date().toISOString();
  return {
    id: randomUUID(),
    workspaceId: randomUUID(),
    name: 'doctor test',
    description: '',
    labels: [],
    kind: deployment.kind,
    deployment,
    url: organizationUrl(deployment),
    credential,
    customHeaders: [],
    tls: {},
    ssh: {},
    status: {},
    version: 1,
    createdAt: now,
    updatedAt: now,
    ...extra,
  };
}

export function check(report: DoctorReport, id: string): DoctorCheck {
  const found = report.checks.find((c) => c.id === id);
  expect(found, `check ${id} in ${report.checks.map((c) => c.id).join(', ')}`).toBeDefined();
  return found!;
}

export function statuses(report: DoctorReport): Record<string, string> {
  return Object.fromEntries(report.checks.map((c) => [c.id, c.status]));
}

/** A 2048-bit RSA key from the real ssh-keygen (fast enough for tests; the product generates 4096). */
export async function sshKeyCredential(): Promise<SshCredential> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'doctor-key-'));
  try {
    const file = path.join(dir, 'id_rsa');
    await run('ssh-keygen', ['-q', '-t', 'rsa', '-b', '2048', '-N', '', '-C', 'doctor-test', '-f', file]);
    const pair = await importSshPrivateKey(await readFile(file, 'utf8'));
    return { type: 'ssh', privateKey: pair.privateKey, publicKey: pair.publicKey, fingerprint: pair.fingerprint };
  } finally {
    await rm(dir, { recursive: true, force: true, maxRetries: 5 });
  }
}

/** Requests the simulator logged since `since` (its own count, to check the doctor's). */
export async function simRequests(sim: RunningSimulator, since: number): Promise<Array<{ method: string; url: string; status: number }>> {
  const log = (await (await fetch(`${sim.controlUrl}/requests?since=${since}`)).json()) as { requests: Array<{ method: string; url: string; status: number; transport?: string }> };
  return log.requests.filter((r) => r.transport !== 'ssh' && !r.url.startsWith('/_simulator'));
}

export async function lastSeq(sim: RunningSimulator): Promise<number> {
  return ((await (await fetch(`${sim.controlUrl}/requests`)).json()) as { lastSeq: number }).lastSeq;
}
