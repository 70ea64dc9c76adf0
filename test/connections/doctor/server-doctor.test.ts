import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../../simulator/index.js';
import type { ServiceEndpoints } from '../../../src/azure/endpoints.js';
import { runDoctor } from '../../../src/connections/doctor/run-doctor.js';
import { check, connectionFor, lastSeq, simRequests, simulatorEndpoints } from './doctor-helpers.js';

let sim: RunningSimulator;
let endpoints: ServiceEndpoints;
let pat: string;

beforeAll(async () => {
  sim = await startSimulator({ seed: 'empty' });
  endpoints = simulatorEndpoints(sim);
  await sim.control.createHost({ name: 'DefaultCollection', kind: 'server', serverVersion: '2022.1' });
  await sim.control.createHost({ name: 'Coll2022', kind: 'server', serverVersion: '2022' });
  await sim.control.createHost({ name: 'Old', kind: 'server', serverVersion: '2020' });
  await sim.control.createHost({ name: 'Misconfigured', kind: 'server', publicUrl: 'http://localhost/Misconfigured' });
  const hosts = ['DefaultCollection', 'Coll2022', 'Old', 'Misconfigured'];
  const user = await sim.control.createUser({ uniqueName: 'dev@contoso.example', hosts });
  for (const host of hosts) {
    await sim.control.createProject(host, { name: 'Tools' });
    await sim.control.createRepository(host, 'Tools', { name: 'build-scripts' });
  }
  pat = (await sim.control.createPat({ user: user.id })).token;
});

afterAll(async () => {
  await sim.stop();
});

describe('doctor, Azure DevOps Server (simulated)', () => {
  it('passes a healthy 2022.1 collection and checks its version and public URL', async () => {
    const since = await lastSeq(sim);
    const report = await runDoctor(connectionFor(`${sim.url}/DefaultCollection`, { type: 'pat', token: pat }), { endpoints });
    expect(report.ok).toBe(true);
    expect(report.checks.map((c) => c.id)).toEqual([
      'reachability', 'proxy', 'organization', 'server-version', 'credential', 'public-url',
      'read-code', 'write-code', 'builds', 'work-items', 'service-hooks', 'access-breadth',
    ]);
    expect(check(report, 'server-version')).toMatchObject({ status: 'pass', message: 'Azure DevOps Server 2022.1 or newer (REST API 7.1).' });
    expect(check(report, 'public-url').status).toBe('pass');
    expect(report.features).toEqual({ readCode: true, writeCode: true, builds: true, workItems: true, serviceHooks: true });
    // No audit log on Server, so no full-access verdict, and no request for it.
    expect(check(report, 'access-breadth').status).toBe('pass');
    const requests = await simRequests(sim, since);
    expect(requests.some((r) => r.url.includes('audit'))).toBe(false);
    expect(report.requests).toBe(requests.length);
  });

  it('works through the /tfs virtual directory', async () => {
    const report = await runDoctor(connectionFor(`${sim.url}/tfs/DefaultCollection`, { type: 'pat', token: pat }), { endpoints });
    expect(report.ok).toBe(true);
  });

  it('speaks REST API 7.0 to Azure DevOps Server 2022', async () => {
    const since = await lastSeq(sim);
    const report = await runDoctor(connectionFor(`${sim.url}/Coll2022`, { type: 'pat', token: pat }), { endpoints });
    expect(check(report, 'server-version').message).toBe('Azure DevOps Server 2022 (REST API 7.0).');
    expect(report.ok).toBe(true);
    expect(report.features.readCode).toBe(true);
    // A 7.1 request would have been refused with 400 (VssVersionOutOfRangeException).
    expect((await simRequests(sim, since)).filter((r) => r.status === 400)).toEqual([]);
  });

  it('refuses Azure DevOps Server 2020 with the reason', async () => {
    const report = await runDoctor(connectionFor(`${sim.url}/Old`, { type: 'pat', token: pat }), { endpoints });
    expect(report.ok).toBe(false);
    const version = check(report, 'server-version');
    expect(version).toMatchObject({ status: 'fail', code: 'AZDO_SERVER_VERSION_UNSUPPORTED' });
    expect(version.message).toMatch(/^Azure DevOps Server 2022 or newer is required/);
    expect(version.message).toContain('Azure DevOps Server 2020');
    expect(check(report, 'credential')).toMatchObject({ status: 'skip' });
    expect(check(report, 'read-code').message).toContain('Azure DevOps Server 2022 or newer is required');
  });

  it('flags a public URL that names localhost', async () => {
    const report = await runDoctor(connectionFor(`${sim.url}/Misconfigured`, { type: 'pat', token: pat }), { endpoints });
    const publicUrl = check(report, 'public-url');
    expect(publicUrl).toMatchObject({ status: 'warn', code: 'AZDO_SERVER_PUBLIC_URL_LOCALHOST' });
    expect(publicUrl.message).toContain('http://localhost');
    expect(publicUrl.hint).toMatch(/Administration Console/);
    expect(report.ok).toBe(true);
  });

  it('explains an unknown collection', async () => {
    const report = await runDoctor(connectionFor(`${sim.url}/NoSuchCollection`, { type: 'pat', token: pat }), { endpoints });
    expect(check(report, 'organization')).toMatchObject({ status: 'fail', code: 'AZDO_COLLECTION_NOT_FOUND' });
    expect(check(report, 'organization').message).toContain("'NoSuchCollection'");
  });

  it('says a wrong token is not valid, while the version is still told', async () => {
    const report = await runDoctor(connectionFor(`${sim.url}/DefaultCollection`, { type: 'pat', token: 'z'.repeat(52) }), { endpoints });
    expect(check(report, 'server-version').status).toBe('pass');
    expect(check(report, 'credential')).toMatchObject({ status: 'fail', code: 'AZDO_CREDENTIAL_INVALID' });
    expect(check(report, 'public-url').status).toBe('skip');
  });

  it('refuses a service principal for a Server collection before sending it anywhere', async () => {
    const report = await runDoctor(
      connectionFor(`${sim.url}/DefaultCollection`, {
        type: 'servicePrincipal',
        tenantId: '11111111-1111-1111-1111-111111111111',
        clientId: '22222222-2222-2222-2222-222222222222',
        clientSecret: 'never-sent-secret',
      }),
      { endpoints },
    );
    expect(check(report, 'credential')).toMatchObject({ status: 'fail', code: 'AZDO_SP_SERVER_UNSUPPORTED' });
    expect(check(report, 'server-version').status).toBe('pass');
    expect(JSON.stringify(report)).not.toContain('never-sent-secret');
  });
});
