import { readFile } from 'node:fs/promises';
import { rootCertificates } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../../simulator/index.js';
import { runDoctor } from '../../../src/connections/doctor/run-doctor.js';
import { check, connectionFor, simulatorEndpoints } from './doctor-helpers.js';

let sim: RunningSimulator;
let pat: string;
let ca: string;

beforeAll(async () => {
  sim = await startSimulator({ seed: 'empty', tls: true });
  await sim.control.createHost({ name: 'DefaultCollection', kind: 'server' });
  const user = await sim.control.createUser({ uniqueName: 'it@contoso.example', hosts: ['DefaultCollection'] });
  await sim.control.createProject('DefaultCollection', { name: 'Tools' });
  await sim.control.createRepository('DefaultCollection', 'Tools', { name: 'scripts' });
  pat = (await sim.control.createPat({ user: user.id })).token;
  ca = await readFile(sim.caFile!, 'utf8');
});

afterAll(async () => {
  await sim.stop();
});

describe('doctor, a Server with a private certificate authority', () => {
  const connection = (tls: { caBundle?: string }) => connectionFor(`${sim.url}/DefaultCollection`, { type: 'pat', token: pat }, { tls });

  it('explains an untrusted certificate and how to add the CA, and skips the rest', async () => {
    expect(sim.url).toMatch(/^https:/);
    const report = await runDoctor(connection({}), { endpoints: simulatorEndpoints(sim) });
    const reach = check(report, 'reachability');
    expect(reach).toMatchObject({ status: 'fail', code: 'AZDO_TLS_UNTRUSTED' });
    expect(reach.message).toMatch(/not trusted/);
    expect(reach.hint).toMatch(/add the server's CA bundle to the connection \(--ca-file\)/i);
    expect(report.checks.slice(1).every((c) => c.status === 'skip')).toBe(true);
  });

  it('passes with the CA bundle', async () => {
    const report = await runDoctor(connection({ caBundle: ca }), { endpoints: simulatorEndpoints(sim) });
    expect(report.ok).toBe(true);
    expect(check(report, 'reachability').message).toMatch(/over HTTPS; its TLS certificate is trusted/);
    expect(report.features.readCode).toBe(true);
  });

  it('says so when the bundle holds another authority', async () => {
    const report = await runDoctor(connection({ caBundle: rootCertificates[0]! }), { endpoints: simulatorEndpoints(sim) });
    const reach = check(report, 'reachability');
    expect(reach.code).toBe('AZDO_TLS_UNTRUSTED');
    expect(reach.hint).toMatch(/does not hold the certificate authority/);
  });

  it('reports a bundle without a certificate as a setting to fix, sending nothing', async () => {
    const report = await runDoctor(connection({ caBundle: 'not a certificate' }), { endpoints: simulatorEndpoints(sim) });
    expect(check(report, 'reachability')).toMatchObject({ status: 'fail', code: 'AZDO_TLS_CA_INVALID' });
    expect(report.requests).toBe(0);
  });
});
