import { readFile } from 'node:fs/promises';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../../simulator/index.js';
import { AzdoError } from '../../../src/errors/azdo-error.js';
import { AzdoClient, parseCaBundle, patAuth } from '../../../src/azure/client/index.js';
import { apiError, recordingSleep, startLocalServer, type LocalServer } from './client-helpers.js';

// The wire: TLS with a Server's own certificate authority (never "ignore TLS"), timeouts, compressed answers.
describe('AzdoClient transport', () => {
  let sim: RunningSimulator;
  let pat: string;
  let ca: string;
  let server: LocalServer;
  const clients: AzdoClient[] = [];
  const client = (o: Partial<ConstructorParameters<typeof AzdoClient>[0]> = {}): AzdoClient => {
    const c = new AzdoClient({ baseUrl: `${sim.url}/DefaultCollection`, auth: patAuth(pat), sleep: recordingSleep().sleep, ...o });
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    sim = await startSimulator({ seed: 'empty', tls: true });
    const c = sim.control;
    await c.createHost({ name: 'DefaultCollection', kind: 'server', serverVersion: '2022.1' });
    await c.createProject('DefaultCollection', { name: 'Fiber' });
    const alice = await c.createUser({ uniqueName: 'alice@example.com', hosts: ['DefaultCollection'] });
    pat = (await c.createPat({ user: alice.id })).token;
    ca = await readFile(sim.caFile!, 'utf8');
    server = await startLocalServer((req, res) => {
      if ((req.url ?? '').startsWith('/org/_apis/cut')) {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
        res.write('{"count": 3, "val');
        setTimeout(() => res.socket?.destroy(), 20);
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      res.end(zlib.gzipSync(JSON.stringify({ count: 1, value: [{ name: 'zipped' }] })));
    });
  });

  afterAll(async () => {
    for (const c of clients) c.close();
    await server?.stop();
    await sim?.stop();
  });

  it('refuses a certificate from an unknown authority and says how to add the CA bundle', async () => {
    expect(sim.url).toMatch(/^https:/);
    const e = await apiError(client().get('_apis/projects'), 'AZDO_TLS_UNTRUSTED');
    expect(e.status).toBe(0);
    expect(e.networkCode).toMatch(/^(UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_GET_ISSUER_CERT_LOCALLY)$/);
    expect(e.message).toContain('not trusted');
    expect(e.hint).toContain('CA bundle');
    expect(e.hint).toContain('never turned off');
  });

  it('trusts the server once its CA bundle is given', async () => {
    const r = await client({ ca }).get<{ value: Array<{ name: string }> }>('_apis/projects');
    expect(r.data.value.map((p) => p.name)).toEqual(['Fiber']);
  });

  it('rejects a CA bundle that holds no certificate', () => {
    for (const bad of ['', 'not a certificate', '-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----']) {
      expect(() => new AzdoClient({ baseUrl: `${sim.url}/DefaultCollection`, ca: bad })).toThrow(expect.objectContaining({ code: 'AZDO_TLS_CA_INVALID' }));
    }
    expect(parseCaBundle(`${ca}\n${ca}`)).toHaveLength(2);
    expect(() => parseCaBundle('x')).toThrow(AzdoError);
  });

  it('gives up after the timeout with AZDO_TIMEOUT and does not retry', async () => {
    // The control API is behind the same untrusted certificate, so the fault goes in through the simulator's context.
    sim.context.faults.add({ path: '/_apis/projects$', latencyMs: 20_000 });
    try {
      const started = Date.now();
      const e = await apiError(client({ ca, timeoutMs: 200 }).get('_apis/projects'), 'AZDO_TIMEOUT');
      // Far below the 20 s the answer takes, however loaded the machine: the client stopped waiting.
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(e.message).toContain('0.2 s');
      expect(e.attempts).toBe(1);
    } finally {
      sim.context.faults.clear();
    }
  });

  it('reads gzip-compressed answers', async () => {
    const c = new AzdoClient({ baseUrl: `${server.url}/org` });
    clients.push(c);
    const names: string[] = [];
    for await (const p of c.items<{ name: string }>('_apis/projects')) names.push(p.name);
    expect(names).toEqual(['zipped']);
    expect(server.requests[0]?.headers['accept-encoding']).toBe('gzip, deflate');
  });

  it('treats an answer cut off mid-body as a dropped connection, retried for a GET', async () => {
    const c = new AzdoClient({ baseUrl: `${server.url}/org`, sleep: recordingSleep().sleep, retries: 2 });
    clients.push(c);
    const e = await apiError(c.get('_apis/cut'), 'AZDO_NETWORK');
    expect(e.networkCode).toBe('ECONNRESET');
    expect(e.attempts).toBe(3);
  });
});
