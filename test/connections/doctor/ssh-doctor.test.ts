import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../../simulator/index.js';
import type { ServiceEndpoints } from '../../../src/azure/endpoints.js';
import { runDoctor } from '../../../src/connections/doctor/run-doctor.js';
import type { SshCredential } from '../../../src/credentials/credential.js';
import { check, connectionFor, simulatorEndpoints, sshKeyCredential, statuses } from './doctor-helpers.js';

let sim: RunningSimulator;
let endpoints: ServiceEndpoints;
let registered: SshCredential;
let unregistered: SshCredential;

beforeAll(async () => {
  sim = await startSimulator({ seed: 'empty' });
  endpoints = simulatorEndpoints(sim);
  await sim.control.createHost({ name: 'fabrikam' });
  await sim.control.createHost({ name: 'DefaultCollection', kind: 'server' });
  const user = await sim.control.createUser({ uniqueName: 'ops@fabrikam.example', hosts: ['fabrikam', 'DefaultCollection'] });
  for (const host of ['fabrikam', 'DefaultCollection']) {
    await sim.control.createProject(host, { name: 'Fiber' });
    await sim.control.createRepository(host, 'Fiber', { name: 'web' });
    await sim.control.pushCommits({ host, project: 'Fiber', repository: 'web', branch: 'main', commits: [{ message: 'first', changes: [{ changeType: 'add', path: '/a.txt', content: Buffer.from('a') }] }] });
  }
  [registered, unregistered] = await Promise.all([sshKeyCredential(), sshKeyCredential()]);
  await sim.control.addSshKey({ user: user.id, publicKey: registered.publicKey });
});

afterAll(async () => {
  await sim.stop();
});

describe('doctor over SSH, Azure DevOps Services (simulated)', () => {
  it('accepts a registered key behind the pinned host key, and reads a repository with git', async () => {
    const report = await runDoctor(connectionFor('https://dev.azure.com/fabrikam', registered), {
      endpoints,
      repository: { project: 'Fiber', name: 'web' },
    });
    expect(report.checks.map((c) => c.id)).toEqual(['reachability', 'proxy', 'organization', 'organization-name', 'ssh-host-key', 'ssh-key', 'ssh-repository']);
    expect(statuses(report)).toMatchObject({ 'ssh-host-key': 'pass', 'ssh-key': 'pass', 'ssh-repository': 'pass' });
    expect(check(report, 'ssh-host-key').message).toContain(sim.sshHostKeyFingerprint);
    expect(report.features).toEqual({ readCode: true });
    expect(report.ok).toBe(true);
    // Only the anonymous organization probe went over HTTP: an SSH key opens no REST API.
    expect(report.requests).toBe(1);
    expect(JSON.stringify(report)).not.toContain('PRIVATE KEY');
  });

  it('explains Permission denied (publickey) for a key nobody registered', async () => {
    const report = await runDoctor(connectionFor('https://dev.azure.com/fabrikam', unregistered), { endpoints });
    const key = check(report, 'ssh-key');
    expect(key).toMatchObject({ status: 'fail', code: 'AZDO_SSH_KEY_REJECTED' });
    expect(key.message).toContain('Permission denied (publickey)');
    expect(key.hint).toContain('the public key is not in User settings > SSH public keys of the account that can read this repository'.replace(/^t/, 'T'));
    expect(report.ok).toBe(false);
  });

  it('explains TF401019 for a repository the key cannot reach', async () => {
    const report = await runDoctor(connectionFor('https://dev.azure.com/fabrikam', registered), {
      endpoints,
      repository: { project: 'Fiber', name: 'no-such-repo' },
    });
    expect(check(report, 'ssh-key').status).toBe('pass');
    const repo = check(report, 'ssh-repository');
    expect(repo).toMatchObject({ status: 'fail', code: 'AZDO_SSH_REPOSITORY_NOT_FOUND' });
    expect(repo.message).toContain('TF401019');
    expect(repo.hint).toMatch(/does not exist or the account whose SSH key this is may not read it/);
    expect(report.features.readCode).toBeUndefined();
  });

  it('fails, without trusting it, a host key that is not Azure DevOps\' published one', async () => {
    const report = await runDoctor(connectionFor('https://dev.azure.com/fabrikam', registered), {
      endpoints: { ...endpoints, pinnedHostKeys: ['SHA256:ohD8VZEXGWo6Ez8GSEJQ9WpafgLFsOfLOtGGQCQo6Og'] },
    });
    expect(check(report, 'ssh-host-key')).toMatchObject({ status: 'fail', code: 'AZDO_SSH_HOST_KEY_MISMATCH' });
    expect(check(report, 'ssh-key').status).toBe('skip');
    expect(report.unconfirmedHostKey).toBeUndefined();
  });

  it('explains an SSH port where nothing listens', async () => {
    const report = await runDoctor(connectionFor('https://dev.azure.com/fabrikam', registered), { endpoints: { ...endpoints, sshPort: 9 } });
    expect(check(report, 'ssh-host-key')).toMatchObject({ status: 'fail', code: 'AZDO_SSH_UNREACHABLE' });
    expect(check(report, 'ssh-host-key').hint).toMatch(/port 22/);
  });

  it('explains an organization that turned SSH off', async () => {
    await sim.control.setPolicies('fabrikam', { allowSsh: false });
    try {
      const report = await runDoctor(connectionFor('https://dev.azure.com/fabrikam', registered), {
        endpoints,
        repository: { project: 'Fiber', name: 'web' },
      });
      expect(check(report, 'ssh-repository')).toMatchObject({ status: 'fail', code: 'AZDO_SSH_DISABLED' });
    } finally {
      await sim.control.setPolicies('fabrikam', { allowSsh: true });
    }
  });
});

describe('doctor over SSH, Azure DevOps Server (simulated)', () => {
  const serverConnection = (knownHosts?: string) =>
    connectionFor(`${sim.url}/DefaultCollection`, registered, { ssh: { port: sim.sshPort, ...(knownHosts !== undefined ? { knownHosts } : {}) } });

  it('shows an unpinned host key for confirmation, then passes once it is pinned', async () => {
    const first = await runDoctor(serverConnection(), { endpoints });
    const hostKey = check(first, 'ssh-host-key');
    // Not usable until confirmed (git refuses an unpinned key), so the test fails rather than warns.
    expect(hostKey).toMatchObject({ status: 'fail', code: 'AZDO_SSH_HOST_KEY_UNCONFIRMED' });
    expect(hostKey.message).toContain(sim.sshHostKeyFingerprint);
    expect(check(first, 'ssh-key').status).toBe('skip');
    expect(first.unconfirmedHostKey).toEqual({
      host: '127.0.0.1',
      port: sim.sshPort,
      fingerprint: sim.sshHostKeyFingerprint,
      knownHostsLine: expect.stringMatching(new RegExp(`^\\[127\\.0\\.0\\.1\\]:${sim.sshPort} ssh-rsa AAAA`)),
    });
    expect(first.ok).toBe(false);

    const second = await runDoctor(serverConnection(first.unconfirmedHostKey!.knownHostsLine), { endpoints, repository: { project: 'Fiber', name: 'web' } });
    expect(statuses(second)).toMatchObject({ 'ssh-host-key': 'pass', 'ssh-key': 'pass', 'ssh-repository': 'pass' });
    expect(second.unconfirmedHostKey).toBeUndefined();
    expect(second.ok).toBe(true);
  });

  it('fails when the pinned host key no longer matches', async () => {
    const otherKey = registered.publicKey.split(' ').slice(0, 2).join(' ');
    const report = await runDoctor(serverConnection(`[127.0.0.1]:${sim.sshPort} ${otherKey}`), { endpoints });
    const hostKey = check(report, 'ssh-host-key');
    expect(hostKey).toMatchObject({ status: 'fail', code: 'AZDO_SSH_HOST_KEY_MISMATCH' });
    expect(hostKey.message).toContain(sim.sshHostKeyFingerprint);
    expect(hostKey.message).toContain(registered.fingerprint);
    expect(check(report, 'ssh-key').status).toBe('skip');
    expect(report.ok).toBe(false);
  });

  it('treats a known_hosts that pins only other hosts as not pinned yet', async () => {
    const report = await runDoctor(serverConnection(`otherhost.example ${registered.publicKey.split(' ').slice(0, 2).join(' ')}`), { endpoints });
    expect(check(report, 'ssh-host-key').code).toBe('AZDO_SSH_HOST_KEY_UNCONFIRMED');
  });
});
