// testConnection runs the real doctor against the simulator, records the result as the connection's status, and pins
// a Server's SSH host key only when the caller confirms it.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectionService, type UnconfirmedHostKey } from '../../src/connections/connection-service.js';
import { Vault } from '../../src/credentials/vault.js';
import { startSimulator } from '../../simulator/index.js';
import { testStores } from '../store/test-stores.js';

const exec = promisify(execFile);
const stores = testStores();
let sim: Awaited<ReturnType<typeof startSimulator>>;
let service: ConnectionService;
let token: string;
let privateKey: string;
let dir: string;

beforeAll(async () => {
  sim = await startSimulator({ seed: 'empty' });
  await sim.control.createHost({ name: 'fabrikam' });
  await sim.control.createHost({ name: 'DefaultCollection', kind: 'server', serverVersion: '2022.1' });
  const user = await sim.control.createUser({ uniqueName: 'alice@example.com', hosts: ['fabrikam', 'DefaultCollection'] });
  token = (await sim.control.createPat({ user: user.id, scope: 'vso.code' })).token;
  dir = await mkdtemp(path.join(os.tmpdir(), 'azdo-test-connection-'));
  await exec('ssh-keygen', ['-q', '-t', 'rsa', '-b', '2048', '-N', '', '-C', 'alice', '-f', path.join(dir, 'id_rsa')]);
  privateKey = await readFile(path.join(dir, 'id_rsa'), 'utf8');
  await sim.control.addSshKey({ user: user.id, publicKey: await readFile(path.join(dir, 'id_rsa.pub'), 'utf8') });
  const store = await stores.open('sqlite');
  service = new ConnectionService({
    store,
    vault: await Vault.open({ dataDir: store.dataDir, env: {} }),
    endpoints: { servicesUrl: sim.url, sshHost: '127.0.0.1', sshPort: sim.sshPort, pinnedHostKeys: [sim.sshHostKeyFingerprint], entraAuthority: sim.url },
  });
});

afterAll(async () => {
  await sim?.stop();
  await stores.cleanup();
  await rm(dir, { recursive: true, force: true, maxRetries: 5 });
});

describe('testConnection', () => {
  it('records a passing test as the connection status', async () => {
    await service.addConnection({ name: 'prod', url: 'https://dev.azure.com/fabrikam', credential: { type: 'pat', token, expiresAt: '2030-01-01' } });
    const seen: string[] = [];
    const { report, connection } = await service.testConnection('prod', { onCheck: (c) => seen.push(c.id) });
    expect(report.ok).toBe(true);
    expect(seen).toEqual(report.checks.map((c) => c.id));
    expect(connection.status).toMatchObject({ lastTestOk: true, credentialExpiresAt: '2030-01-01T00:00:00.000Z' });
    expect(Date.now() - Date.parse(connection.status.lastTestAt!)).toBeLessThan(60_000);
    expect(connection.status.lastTestResult).toMatchObject({ ok: true, checks: report.checks.map((c) => ({ id: c.id, status: c.status })) });
  });

  it('records a failing test, and the failing check says how to fix it', async () => {
    await service.addConnection({ name: 'wrong', url: 'https://dev.azure.com/fabrikam', credential: { type: 'pat', token: 'b'.repeat(52) } });
    const { report, connection } = await service.testConnection('wrong');
    expect(report.ok).toBe(false);
    const failed = report.checks.filter((c) => c.status === 'fail');
    expect(failed.length).toBeGreaterThan(0);
    for (const check of failed) expect(check.hint).toBeTruthy();
    expect(connection.status.lastTestOk).toBe(false);
  });

  describe('an SSH host key seen for the first time', () => {
    const url = () => `${sim.url}/DefaultCollection`;

    it('is not pinned when the caller declines', async () => {
      await service.addConnection({ name: 'onprem', url: url(), credential: { type: 'ssh', privateKey }, ssh: { port: sim.sshPort } });
      const asked: UnconfirmedHostKey[] = [];
      const result = await service.testConnection('onprem', { confirmHostKey: (key) => (asked.push(key), false) });
      expect(asked).toHaveLength(1);
      expect(asked[0]).toMatchObject({ host: '127.0.0.1', port: sim.sshPort, fingerprint: sim.sshHostKeyFingerprint });
      expect(result.pinnedHostKey).toBeUndefined();
      expect(result.report.unconfirmedHostKey?.fingerprint).toBe(sim.sshHostKeyFingerprint);
      expect(result.connection.ssh.knownHosts).toBeUndefined();
      expect(result.connection.version).toBe(1);
    });

    it('is pinned when the caller confirms, and the SSH checks run again against it', async () => {
      const result = await service.testConnection('onprem', { confirmHostKey: () => true });
      expect(result.pinnedHostKey?.fingerprint).toBe(sim.sshHostKeyFingerprint);
      expect(result.report.unconfirmedHostKey).toBeUndefined();
      expect(result.report.ok).toBe(true);
      expect(result.report.checks.find((c) => c.id === 'ssh-host-key')?.status).toBe('pass');
      expect(result.report.checks.find((c) => c.id === 'ssh-key')?.status).toBe('pass');
      expect(result.connection.ssh.knownHosts).toBe(result.pinnedHostKey?.knownHostsLine);
      expect(result.connection.status.lastTestOk).toBe(true);

      // Next time nobody is asked.
      let asked = false;
      const again = await service.testConnection('onprem', { confirmHostKey: () => (asked = true) });
      expect(asked).toBe(false);
      expect(again.report.ok).toBe(true);
    });
  });
});
