import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../../simulator/index.js';
import type { CustomHeader } from '../../../src/connections/connection.js';
import { runDoctor } from '../../../src/connections/doctor/run-doctor.js';
import { check, connectionFor, simulatorEndpoints } from './doctor-helpers.js';

let sim: RunningSimulator;
let proxy: Server;
let proxyUrl: string;
let pat: string;
let mode: 'page' | 'redirect' = 'page';

const CLIENT_ID = 'access-client-id.example';
const CLIENT_SECRET = 'cf-access-secret-value-0123456789';

/** Stands in for Cloudflare Access: its own sign-in page unless the service token's headers are right. */
function startProxy(upstreamPort: number): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.headers['cf-access-client-id'] !== CLIENT_ID || req.headers['cf-access-client-secret'] !== CLIENT_SECRET) {
      if (mode === 'redirect') {
        res.writeHead(302, { location: 'https://fabrikam.cloudflareaccess.com/cdn-cgi/access/login/tfs.fabrikam.example?redirect_url=%2F', 'cf-ray': '8a1b2c3d4e5f-AMS' });
        res.end();
        return;
      }
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cf-ray': '8a1b2c3d4e5f-AMS' });
      res.end('<!DOCTYPE html><html><head><title>Sign in ・ Cloudflare Access</title></head><body>Sign in with your identity provider</body></html>');
      return;
    }
    const upstream = httpRequest({ host: '127.0.0.1', port: upstreamPort, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

beforeAll(async () => {
  sim = await startSimulator({ seed: 'empty' });
  await sim.control.createHost({ name: 'DefaultCollection', kind: 'server' });
  const user = await sim.control.createUser({ uniqueName: 'dev@fabrikam.example', hosts: ['DefaultCollection'] });
  await sim.control.createProject('DefaultCollection', { name: 'Tools' });
  await sim.control.createRepository('DefaultCollection', 'Tools', { name: 'scripts' });
  pat = (await sim.control.createPat({ user: user.id })).token;
  proxy = await startProxy(sim.port);
  proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => proxy.close(resolve));
  await sim.stop();
});

describe('doctor behind a proxy such as Cloudflare Access', () => {
  const connection = (customHeaders: CustomHeader[]) => connectionFor(`${proxyUrl}/DefaultCollection`, { type: 'pat', token: pat }, { customHeaders });
  const serviceToken = (secret: string): CustomHeader[] => [
    { name: 'CF-Access-Client-Id', value: CLIENT_ID, secret: false },
    { name: 'CF-Access-Client-Secret', value: secret, secret: true },
  ];

  it('recognises the proxy\'s own sign-in page and says which headers to add', async () => {
    mode = 'page';
    const report = await runDoctor(connection([]), { endpoints: simulatorEndpoints(sim) });
    const p = check(report, 'proxy');
    expect(p).toMatchObject({ status: 'fail', code: 'AZDO_PROXY_LOGIN_PAGE' });
    expect(p.message).toMatch(/a proxy in front of Azure DevOps answered with its own sign-in page/i);
    expect(p.hint).toMatch(/CF-Access-Client-Id and CF-Access-Client-Secret/);
    expect(p.hint).toMatch(/custom headers/);
    expect(check(report, 'reachability').status).toBe('pass');
    expect(check(report, 'credential').status).toBe('skip');
  });

  it('recognises a redirect to the Cloudflare Access login at another host', async () => {
    mode = 'redirect';
    const report = await runDoctor(connection([]), { endpoints: simulatorEndpoints(sim) });
    const p = check(report, 'proxy');
    expect(p.code).toBe('AZDO_PROXY_LOGIN_PAGE');
    expect(p.message).toContain('Cloudflare Access');
    expect(p.message).toContain('fabrikam.cloudflareaccess.com');
  });

  it('names the headers it sent, never their values, when the proxy refuses them', async () => {
    mode = 'page';
    const report = await runDoctor(connection(serviceToken('a-wrong-secret-value')), { endpoints: simulatorEndpoints(sim) });
    const p = check(report, 'proxy');
    expect(p.code).toBe('AZDO_PROXY_LOGIN_PAGE');
    expect(p.message).toContain('CF-Access-Client-Id, CF-Access-Client-Secret');
    expect(JSON.stringify(report)).not.toContain('a-wrong-secret-value');
  });

  it('passes through the proxy with the right headers', async () => {
    const report = await runDoctor(connection(serviceToken(CLIENT_SECRET)), { endpoints: simulatorEndpoints(sim) });
    expect(report.ok).toBe(true);
    expect(check(report, 'proxy').message).toContain('CF-Access-Client-Id');
    expect(report.features.readCode).toBe(true);
    expect(JSON.stringify(report)).not.toContain(CLIENT_SECRET);
  });

  it('recognises the proxy in Services mode too', async () => {
    mode = 'page';
    const report = await runDoctor(connectionFor('https://dev.azure.com/fabrikam', { type: 'pat', token: pat }), {
      endpoints: { ...simulatorEndpoints(sim), servicesUrl: proxyUrl },
    });
    expect(check(report, 'proxy').code).toBe('AZDO_PROXY_LOGIN_PAGE');
  });

  it('says when the server answering is not Azure DevOps at all', async () => {
    const web = createServer((_req, res) => {
      res.writeHead(404, { 'content-type': 'text/html' });
      res.end('<html><body>Not Found</body></html>');
    });
    await new Promise<void>((resolve) => web.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(web.address() as AddressInfo).port}/DefaultCollection`;
      const report = await runDoctor(connectionFor(url, { type: 'pat', token: pat }), { endpoints: simulatorEndpoints(sim) });
      expect(check(report, 'proxy').status).toBe('pass');
      expect(check(report, 'organization')).toMatchObject({ status: 'fail', code: 'AZDO_NOT_AZURE_DEVOPS' });
      expect(check(report, 'credential').status).toBe('skip');
    } finally {
      await new Promise((resolve) => web.close(resolve));
    }
  });
});
