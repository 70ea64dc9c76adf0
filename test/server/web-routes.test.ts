import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endpointsFromEnv } from '../../src/azure/endpoints.js';
import { Vault } from '../../src/credentials/vault.js';
import { buildApp, type App } from '../../src/server/build-app.js';
import { createServiceContext } from '../../src/server/create-service-context.js';
import { testStores } from '../store/test-stores.js';

// The service with a web root like the one `vite build` writes: index.html, hashed assets and a public file.
const INDEX = '<!doctype html><html><body><div id="root"></div><script type="module" src="/assets/index-Ab12Cd.js"></script></body></html>';
const HTML = { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' };

async function appWith(webRoot: string | undefined, stores: ReturnType<typeof testStores>): Promise<App> {
  const store = await stores.open('sqlite');
  const env = { AZDO_CONNECT_SECRET_KEY: randomBytes(32).toString('base64') };
  const vault = await Vault.open({ dataDir: store.dataDir, env });
  const ctx = createServiceContext({ store, vault, endpoints: endpointsFromEnv(env), config: { dataDir: store.dataDir, ...(webRoot ? { webRoot } : {}) } });
  return buildApp(ctx);
}

describe('web routes', () => {
  const stores = testStores();
  let webRoot: string;
  let app: App;

  beforeAll(async () => {
    webRoot = await mkdtemp(join(tmpdir(), 'azdo-web-'));
    await mkdir(join(webRoot, 'assets'));
    await writeFile(join(webRoot, 'index.html'), INDEX);
    await writeFile(join(webRoot, 'assets', 'index-Ab12Cd.js'), 'console.log("ui")');
    await writeFile(join(webRoot, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    await writeFile(join(webRoot, '.env'), 'SECRET=1');
    app = await appWith(webRoot, stores);
  });

  afterAll(async () => {
    await app?.close();
    await stores.cleanup();
    await rm(webRoot, { recursive: true, force: true, maxRetries: 5 });
  });

  it('serves the page shell at / to a signed-out browser, revalidated on every visit', async () => {
    const res = await app.inject({ method: 'GET', url: '/', headers: HTML });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.body).toBe(INDEX);
  });

  it('caches hashed assets for a year', async () => {
    const res = await app.inject({ method: 'GET', url: '/assets/index-Ab12Cd.js' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/javascript/);
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
  });

  it('serves public files from the root, revalidated', async () => {
    const res = await app.inject({ method: 'GET', url: '/favicon.svg' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('no-cache');
  });

  it('answers a deep link with the page shell, so a reload or a shared link opens the right page', async () => {
    for (const url of ['/connections/0f8c2b/repositories', '/sign-in', '/jobs?state=running']) {
      const res = await app.inject({ method: 'GET', url, headers: HTML });
      expect(res.statusCode, url).toBe(200);
      expect(res.body, url).toBe(INDEX);
      expect(res.headers['cache-control'], url).toBe('no-cache');
    }
  });

  it('answers a missing file that is not a page request with problem JSON', async () => {
    const res = await app.inject({ method: 'GET', url: '/assets/missing-123.js', headers: { accept: '*/*' } });
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.json()).toMatchObject({ code: 'AZDO_ROUTE_NOT_FOUND' });
  });

  it('never answers an API path with the page, even when a browser asks for HTML', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/v1/no-such-thing', headers: HTML });
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect([401, 404]).toContain(res.statusCode);
  });

  it('refuses dot files and paths that climb out of the web root', async () => {
    const dot = await app.inject({ method: 'GET', url: '/.env', headers: { accept: '*/*' } });
    expect(dot.statusCode).not.toBe(200);
    expect(dot.body).not.toContain('SECRET');
    const climb = await app.inject({ method: 'GET', url: '/assets/..%2f..%2fetc%2fpasswd', headers: { accept: '*/*' } });
    expect(climb.statusCode).not.toBe(200);
    expect(climb.body).not.toContain('root:');
  });

  it('serves no UI when no web root is configured, or when it was never built', async () => {
    const bare = await appWith(undefined, stores);
    const res = await bare.inject({ method: 'GET', url: '/', headers: HTML });
    expect(res.statusCode).toBe(404);
    await bare.close();

    const empty = await mkdtemp(join(tmpdir(), 'azdo-web-empty-'));
    const unbuilt = await appWith(empty, stores);
    expect((await unbuilt.inject({ method: 'GET', url: '/connections', headers: HTML })).statusCode).toBe(404);
    await unbuilt.close();
    await rm(empty, { recursive: true, force: true, maxRetries: 5 });
  });
});
