import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../../simulator/index.js';
import type { ServiceEndpoints } from '../../../src/azure/endpoints.js';
import { runDoctor } from '../../../src/connections/doctor/run-doctor.js';
import type { DoctorCheck } from '../../../src/connections/doctor/doctor-types.js';
import { check, connectionFor, lastSeq, simRequests, simulatorEndpoints, statuses } from './doctor-helpers.js';

let sim: RunningSimulator;
let endpoints: ServiceEndpoints;
let userId: string;
let fullPat: string;
const URL_ = 'https://dev.azure.com/fabrikam';

beforeAll(async () => {
  sim = await startSimulator({ seed: 'empty' });
  endpoints = simulatorEndpoints(sim);
  await sim.control.createHost({ name: 'fabrikam' });
  await sim.control.createHost({ name: 'contoso' });
  const user = await sim.control.createUser({ uniqueName: 'ana@fabrikam.example', displayName: 'Ana', hosts: ['fabrikam'] });
  userId = user.id;
  await sim.control.createProject('fabrikam', { name: 'Fiber' });
  await sim.control.createRepository('fabrikam', 'Fiber', { name: 'web' });
  await sim.control.pushCommits({ host: 'fabrikam', project: 'Fiber', repository: 'web', branch: 'main', commits: [{ message: 'first', changes: [{ changeType: 'add', path: '/README.md', content: Buffer.from('hello') }] }] });
  await sim.control.createRepository('fabrikam', 'Fiber', { name: 'api' });
  fullPat = (await sim.control.createPat({ user: userId })).token;
});

afterAll(async () => {
  await sim.stop();
});

describe('doctor, Azure DevOps Services (simulated)', () => {
  it('passes a healthy full-access PAT, with every feature, and warns that it has full access', async () => {
    const seen: DoctorCheck[] = [];
    const since = await lastSeq(sim);
    const report = await runDoctor(connectionFor(URL_, { type: 'pat', token: fullPat }), { endpoints, onCheck: (c) => seen.push(c) });
    expect(report.ok).toBe(true);
    expect(report.features).toEqual({ readCode: true, writeCode: true, builds: true, workItems: true, serviceHooks: true });
    expect(report.checks.map((c) => c.id)).toEqual([
      'reachability', 'proxy', 'organization', 'organization-name', 'credential',
      'read-code', 'write-code', 'builds', 'work-items', 'service-hooks', 'access-breadth',
    ]);
    expect(statuses(report)).toMatchObject({ reachability: 'pass', proxy: 'pass', organization: 'pass', credential: 'pass', 'read-code': 'pass', 'write-code': 'pass' });
    const breadth = check(report, 'access-breadth');
    expect(breadth).toMatchObject({ status: 'warn', code: 'AZDO_CREDENTIAL_FULL_ACCESS' });
    expect(breadth.hint).toMatch(/only the scopes/);
    expect(breadth.hint).toMatch(/service account with Reader/);
    expect(check(report, 'credential').message).toMatch(/accepted the personal access token as Ana/);
    // onCheck saw every check, live and in report order.
    expect(seen).toEqual(report.checks);
    for (const c of report.checks) expect(c.durationMs).toBeGreaterThanOrEqual(0);
    // The count is the simulator's own count of what arrived.
    expect(report.requests).toBe((await simRequests(sim, since)).length);
  });

  // How long it takes is measured by `npm run bench` (connections): timed assertions fail with the machine's load.
  it('passes a healthy Services connection with few requests', async () => {
    const report = await runDoctor(connectionFor(URL_, { type: 'pat', token: fullPat }), { endpoints });
    expect(report.ok).toBe(true);
    expect(report.requests).toBeLessThanOrEqual(8);
  });

  it('changes nothing with the write probe: no ref and no push appear', async () => {
    const before = sim.control.repository('fabrikam', 'Fiber', 'web').repository.pushes.length;
    await runDoctor(connectionFor(URL_, { type: 'pat', token: fullPat }), { endpoints });
    const { repository } = sim.control.repository('fabrikam', 'Fiber', 'web');
    expect(repository.pushes.length).toBe(before);
    const refs = await sim.context.repos.refs(repository);
    expect(refs.map((r) => r.name)).toEqual(['refs/heads/main']);
  });

  it('answers the write probe the way the doctor reads it: 200 that changes nothing with the scope, 401 without', async () => {
    const { repository } = sim.control.repository('fabrikam', 'Fiber', 'web');
    const codeOnly = (await sim.control.createPat({ user: userId, scope: 'vso.code' })).token;
    const probe = (token: string) =>
      fetch(`${sim.url}/fabrikam/_apis/git/repositories/${repository.id}/refs?api-version=7.1`, {
        method: 'POST',
        headers: { authorization: `Basic ${Buffer.from(`:${token}`).toString('base64')}`, 'content-type': 'application/json', 'x-tfs-fedauthredirect': 'Suppress' },
        body: JSON.stringify([{ name: 'refs/heads/azdo-connect-probe-x', oldObjectId: 'a'.repeat(40), newObjectId: '0'.repeat(40) }]),
      });
    const allowed = await probe(fullPat);
    expect(allowed.status).toBe(200);
    const body = (await allowed.json()) as { value: Array<{ updateStatus: string; success: boolean }> };
    // The simulator reports deleting a ref that does not exist as succeededNonExistentRef (success: true).
    expect(body.value[0]!.updateStatus).toBe('succeededNonExistentRef');
    expect((await probe(codeOnly)).status).toBe(401);
  });

  it('tells which features a Code (Read) token lacks and names the scopes to add', async () => {
    const token = (await sim.control.createPat({ user: userId, scope: 'vso.code' })).token;
    const report = await runDoctor(connectionFor(URL_, { type: 'pat', token }), { endpoints });
    expect(report.ok).toBe(true);
    expect(report.features).toEqual({ readCode: true, writeCode: false, builds: false, workItems: false, serviceHooks: false });
    expect(check(report, 'read-code').status).toBe('pass');
    const expected: Record<string, string> = {
      'write-code': 'Code (Read & write)',
      builds: 'Build (Read)',
      'work-items': 'Work Items (Read)',
      'service-hooks': 'Service Hooks (Read & write)',
    };
    for (const [id, scope] of Object.entries(expected)) {
      const c = check(report, id);
      expect(c).toMatchObject({ status: 'warn', code: 'AZDO_SCOPE_MISSING' });
      expect(c.message).toContain(scope);
      expect(c.hint).toContain(`${URL_}/_usersSettings/tokens`);
      expect(c.hint).toMatch(/^Optional/);
    }
    expect(check(report, 'access-breadth')).toMatchObject({ status: 'pass' });
  });

  it('fails when the token cannot read code, which azdo-connect needs', async () => {
    const token = (await sim.control.createPat({ user: userId, scope: 'vso.work' })).token;
    const report = await runDoctor(connectionFor(URL_, { type: 'pat', token }), { endpoints });
    expect(report.ok).toBe(false);
    expect(check(report, 'read-code')).toMatchObject({ status: 'fail', code: 'AZDO_SCOPE_MISSING' });
    expect(report.features).toMatchObject({ readCode: false, writeCode: false, workItems: true });
  });

  it('says a wrong token is not valid for this organization', async () => {
    const report = await runDoctor(connectionFor(URL_, { type: 'pat', token: 'q'.repeat(52) }), { endpoints });
    expect(report.ok).toBe(false);
    const credential = check(report, 'credential');
    expect(credential).toMatchObject({ status: 'fail', code: 'AZDO_CREDENTIAL_INVALID' });
    expect(credential.message).toMatch(/not valid for this organization/);
    expect(JSON.stringify(report)).not.toContain('q'.repeat(52));
    expect(check(report, 'organization').status).toBe('pass');
    expect(check(report, 'read-code')).toMatchObject({ status: 'skip', code: 'AZDO_CHECK_SKIPPED' });
    expect(report.features).toEqual({});
  });

  it('says a token made for another organization is not valid for this one', async () => {
    const token = (await sim.control.createPat({ user: userId, hosts: ['contoso'] })).token;
    const report = await runDoctor(connectionFor(URL_, { type: 'pat', token }), { endpoints });
    expect(check(report, 'credential').message).toMatch(/not valid for this organization/);
  });

  it('names the expiry date of an expired token', async () => {
    const validTo = '2024-03-01T00:00:00.000Z';
    const token = (await sim.control.createPat({ user: userId, validTo })).token;
    const report = await runDoctor(connectionFor(URL_, { type: 'pat', token, expiresAt: validTo }), { endpoints });
    const credential = check(report, 'credential');
    expect(credential).toMatchObject({ status: 'fail', code: 'AZDO_AUTH_EXPIRED' });
    expect(credential.message).toContain('2024-03-01');
    expect(report.credentialExpiresAt).toBe(validTo);
  });

  it('warns about a token that expires within two weeks', async () => {
    const validTo = new Date(Date.now() + 3 * 86_400_000).toISOString();
    const token = (await sim.control.createPat({ user: userId, validTo })).token;
    const report = await runDoctor(connectionFor(URL_, { type: 'pat', token, expiresAt: validTo }), { endpoints });
    expect(check(report, 'credential')).toMatchObject({ status: 'warn', code: 'AZDO_CREDENTIAL_EXPIRING' });
    expect(report.ok).toBe(true);
  });

  it('explains an unknown organization from the anonymous probe and skips the rest', async () => {
    const since = await lastSeq(sim);
    const report = await runDoctor(connectionFor('https://dev.azure.com/nosuchorg', { type: 'pat', token: fullPat }), { endpoints });
    expect(check(report, 'organization')).toMatchObject({ status: 'fail', code: 'AZDO_ORGANIZATION_NOT_FOUND' });
    expect(check(report, 'organization').message).toContain("no organization named 'nosuchorg'");
    expect(report.checks.filter((c) => c.status === 'skip').map((c) => c.id)).toEqual([
      'organization-name', 'credential', 'read-code', 'write-code', 'builds', 'work-items', 'service-hooks', 'access-breadth',
    ]);
    const requests = await simRequests(sim, since);
    expect(requests.some((r) => r.url.includes('/_apis/resourceAreas/79134c72-4a58-4b42-976c-04e7115f32bf?') && r.url.includes('accountName=nosuchorg'))).toBe(true);
  });

  it('warns when Azure DevOps names the organization differently from the connection URL', async () => {
    // The simulator resolves organizations by id too, as a renamed organization is still found by its old address.
    const id = sim.control.host('fabrikam').id;
    const report = await runDoctor(connectionFor(`https://dev.azure.com/${id}`, { type: 'pat', token: fullPat }), { endpoints });
    const mismatch = check(report, 'organization-name');
    expect(mismatch).toMatchObject({ status: 'warn', code: 'AZDO_ORGANIZATION_NAME_MISMATCH' });
    expect(mismatch.message).toContain("'fabrikam'");
    expect(mismatch.hint).toContain('https://dev.azure.com/fabrikam');
  });

  it('fails reachability when nothing listens, and skips everything that needs the server', async () => {
    const closed = { ...endpoints, servicesUrl: 'http://127.0.0.1:9' };
    const report = await runDoctor(connectionFor(URL_, { type: 'pat', token: fullPat }), { endpoints: closed });
    expect(check(report, 'reachability')).toMatchObject({ status: 'fail', code: 'AZDO_NETWORK' });
    expect(report.checks.slice(1).every((c) => c.status === 'skip')).toBe(true);
  });

  it('reports a custom header the client refuses as a setting to fix', async () => {
    const report = await runDoctor(
      connectionFor(URL_, { type: 'pat', token: fullPat }, { customHeaders: [{ name: 'Authorization', value: 'secret-value', secret: true }] }),
      { endpoints },
    );
    expect(check(report, 'reachability')).toMatchObject({ status: 'fail', code: 'AZDO_HEADER_INVALID' });
    expect(report.requests).toBe(0);
    expect(JSON.stringify(report)).not.toContain('secret-value');
  });

  it('warns when the credential reaches far more repositories than the connection uses', async () => {
    for (let n = 0; n < 10; n += 1) await sim.control.createRepository('fabrikam', 'Fiber', { name: `extra-${n}` });
    const token = (await sim.control.createPat({ user: userId, scope: 'vso.code' })).token;
    const report = await runDoctor(connectionFor(URL_, { type: 'pat', token }), { endpoints, repositoriesInUse: 1 });
    const breadth = check(report, 'access-breadth');
    expect(breadth).toMatchObject({ status: 'warn', code: 'AZDO_CREDENTIAL_BROAD_REACH' });
    expect(breadth.message).toMatch(/reaches 12 repositories, but the connection uses 1/);
    expect(breadth.hint).toMatch(/service account with Reader/);
  });
});

describe('doctor, service principals (simulated Entra ID)', () => {
  it('explains TF401444 when the principal was not added to the organization', async () => {
    const tenantId = sim.control.host('fabrikam').tenantId;
    const { principal, clientSecret } = await sim.control.createServicePrincipal({ displayName: 'not added', tenantId });
    const report = await runDoctor(
      connectionFor(URL_, { type: 'servicePrincipal', tenantId: principal.tenantId, clientId: principal.appId, clientSecret }),
      { endpoints },
    );
    const credential = check(report, 'credential');
    expect(credential).toMatchObject({ status: 'fail', code: 'AZDO_AUTH_PRINCIPAL_NOT_ADDED' });
    expect(credential.message).toContain('TF401444');
    expect(credential.hint).toMatch(/Organization settings > Users/);
    expect(JSON.stringify(report)).not.toContain(clientSecret);
  });

  it('names both tenants when the principal belongs to another tenant', async () => {
    const { principal, clientSecret } = await sim.control.createServicePrincipal({ displayName: 'elsewhere' });
    const report = await runDoctor(
      connectionFor(URL_, { type: 'servicePrincipal', tenantId: principal.tenantId, clientId: principal.appId, clientSecret }),
      { endpoints },
    );
    const credential = check(report, 'credential');
    expect(credential.code).toBe('AZDO_AUTH_PRINCIPAL_NOT_ADDED');
    expect(credential.message).toContain(sim.control.host('fabrikam').tenantId);
    expect(credential.message).toContain(principal.tenantId);
  });

  it('passes a principal added to the organization and counts the token request', async () => {
    const { principal, clientSecret } = await sim.control.createServicePrincipal({ displayName: 'added', hosts: ['fabrikam'] });
    const since = await lastSeq(sim);
    const report = await runDoctor(
      connectionFor(URL_, { type: 'servicePrincipal', tenantId: principal.tenantId, clientId: principal.appId, clientSecret }),
      { endpoints },
    );
    expect(report.ok).toBe(true);
    expect(check(report, 'credential').message).toMatch(/accepted the service principal/);
    expect(report.features.readCode).toBe(true);
    expect(report.requests).toBe((await simRequests(sim, since)).length);
  });

  it('reports a wrong client secret from Entra ID', async () => {
    const { principal } = await sim.control.createServicePrincipal({ displayName: 'wrong secret', hosts: ['fabrikam'] });
    const report = await runDoctor(
      connectionFor(URL_, { type: 'servicePrincipal', tenantId: principal.tenantId, clientId: principal.appId, clientSecret: 'not-the-secret' }),
      { endpoints },
    );
    expect(check(report, 'credential')).toMatchObject({ status: 'fail', code: 'AZDO_SP_SECRET_INVALID' });
    expect(check(report, 'organization').status).toBe('pass');
  });
});
