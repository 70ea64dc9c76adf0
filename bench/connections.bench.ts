import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import { startSimulator } from '../simulator/index.js';
import { organizationUrl, parseAzureUrl } from '../src/azure/urls.js';
import type { Connection } from '../src/connections/connection.js';
import { runDoctor } from '../src/connections/doctor/run-doctor.js';
import { median, print, ROOT, type Check } from './bench-util.js';

const exec = promisify(execFile);

async function timeCommand(file: string, args: string[]): Promise<number> {
  const t = performance.now();
  await exec(file, args, { cwd: ROOT });
  return performance.now() - t;
}

/** Issue 3's figures: `connection test` of a healthy Services connection, and `azdo-connect --help` against `node -e 0`. */
export async function connectionBenchmarks(): Promise<Check[]> {
  const checks: Check[] = [];

  // --help of the built CLI against a bare node start, interleaved, median of 15.
  const help: number[] = [];
  const node: number[] = [];
  for (let i = 0; i < 15; i++) {
    node.push(await timeCommand(process.execPath, ['-e', '0']));
    help.push(await timeCommand(process.execPath, [path.join(ROOT, 'bin/azdo-connect.js'), '--help']));
  }
  const h = median(help);
  const n = median(node);
  print('CLI start (median of 15, interleaved)', [
    ['node -e 0', `${n.toFixed(1)} ms`],
    ['azdo-connect --help', `${h.toFixed(1)} ms  (${(h / n).toFixed(2)}x)`],
  ]);
  checks.push({ name: 'azdo-connect --help vs node -e 0', ratio: h / n, value: h, target: '<= 3.00x', ok: h / n <= 3 });

  // The doctor against the simulator in Services mode (endpoints pointed at it), healthy full-access PAT.
  const sim = await startSimulator({ seed: 'empty' });
  try {
    const c = sim.control;
    await c.createHost({ name: 'fabrikam' });
    const alice = await c.createUser({ uniqueName: 'alice@example.com', hosts: ['fabrikam'] });
    const { token } = await c.createPat({ user: alice.id });
    await c.createProject('fabrikam', { name: 'Web' });
    await c.createRepository('fabrikam', 'Web', { name: 'site' });
    const { deployment } = parseAzureUrl('https://dev.azure.com/fabrikam');
    const now = new Date().toISOString();
    const connection: Connection = {
      id: randomUUID(),
      workspaceId: randomUUID(),
      name: 'bench',
      description: '',
      labels: [],
      kind: 'services',
      deployment,
      url: organizationUrl(deployment),
      credential: { type: 'pat', token },
      customHeaders: [],
      tls: {},
      ssh: {},
      status: {},
      version: 1,
      createdAt: now,
      updatedAt: now,
    };
    const endpoints = { servicesUrl: sim.url, sshHost: '127.0.0.1', sshPort: sim.sshPort, pinnedHostKeys: [sim.sshHostKeyFingerprint], entraAuthority: sim.url };
    const times: number[] = [];
    let requests = 0;
    let ok = true;
    for (let i = 0; i < 10; i++) {
      const t = performance.now();
      const report = await runDoctor(connection, { endpoints });
      times.push(performance.now() - t);
      requests = report.requests;
      ok &&= report.ok;
    }
    const d = median(times);
    print('connection test of a healthy Services connection (in process, median of 10)', [
      ['wall time', `${d.toFixed(0)} ms`],
      ['HTTP requests', String(requests)],
      ['all checks passed', String(ok)],
    ]);
    checks.push({ name: 'connection test (healthy Services, in process)', value: d, target: '< 500 ms', ok: d < 500 && ok });
  } finally {
    await sim.stop();
  }
  return checks;
}
