import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import openapiTS, { astToString, type OpenAPI3 } from 'openapi-typescript';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { clientTypes } from '../../scripts/write-openapi.js';
import { ROOT } from '../cli/run-cli.js';
import { serviceWorld, type ServiceWorld } from './service-world.js';

interface Operation {
  operationId?: string;
  tags?: string[];
  summary?: string;
  security?: unknown[];
  responses?: Record<string, { content?: Record<string, { schema?: { $ref?: string } }> }>;
}

interface Document {
  openapi: string;
  info: { title: string; version: string };
  servers: Array<{ url: string }>;
  tags: Array<{ name: string }>;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, unknown>; securitySchemes: Record<string, { type: string }> };
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];

function operations(doc: Document, prefix: string): Array<{ path: string; method: string; op: Operation }> {
  return Object.entries(doc.paths)
    .filter(([path]) => path.startsWith(prefix))
    .flatMap(([path, item]) => Object.entries(item).filter(([m]) => METHODS.includes(m)).map(([method, op]) => ({ path, method, op })));
}

/** Every `$ref` of the document, with where it is. */
function refs(value: unknown, at = '#', out: Array<{ at: string; ref: string }> = []): Array<{ at: string; ref: string }> {
  if (Array.isArray(value)) value.forEach((v, i) => refs(v, `${at}/${i}`, out));
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === '$ref' && typeof v === 'string') out.push({ at, ref: v });
      else refs(v, `${at}/${k}`, out);
    }
  }
  return out;
}

function resolve(doc: unknown, ref: string): unknown {
  return ref
    .replace(/^#\//, '')
    .split('/')
    .reduce<unknown>((node, key) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[key.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined), doc);
}

describe('the OpenAPI document and the API reference page', () => {
  let world: ServiceWorld;
  let doc: Document;

  beforeAll(async () => {
    world = await serviceWorld();
    const res = await world.app.inject({ method: 'GET', url: '/openapi.json' });
    expect(res.statusCode).toBe(200);
    doc = res.json<Document>();
  });

  afterAll(async () => {
    await world?.close();
  });

  it('is served without a session as OpenAPI 3 with relative servers, tags and both ways to authenticate', () => {
    expect(doc.openapi).toMatch(/^3\.\d+\.\d+$/);
    expect(doc.info).toMatchObject({ title: 'azdo-connect', version: expect.stringMatching(/^\d+\.\d+\.\d+/) });
    expect(doc.servers).toEqual([{ url: '/' }]);
    expect(doc.components.securitySchemes.session).toMatchObject({ type: 'apiKey', in: 'cookie', name: 'azdo_session' });
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.components.schemas.Problem).toBeDefined();
  });

  it('gives every /api/v1 operation a unique operationId, a declared tag, a summary and a problem answer for 4xx', () => {
    const ops = operations(doc, '/api/v1/');
    expect(ops.length).toBeGreaterThan(20);
    const declared = new Set(doc.tags.map((t) => t.name));
    const ids = new Map<string, string>();
    const mistakes: string[] = [];
    for (const { path, method, op } of ops) {
      const where = `${method.toUpperCase()} ${path}`;
      if (!op.operationId || !/^[a-z][A-Za-z0-9]*$/.test(op.operationId)) mistakes.push(`${where}: operationId ${op.operationId} is not camelCase`);
      else if (ids.has(op.operationId)) mistakes.push(`${where}: operationId ${op.operationId} is also ${ids.get(op.operationId)}`);
      else ids.set(op.operationId, where);
      if (!op.tags?.length) mistakes.push(`${where}: no tags`);
      for (const tag of op.tags ?? []) if (!declared.has(tag)) mistakes.push(`${where}: tag ${tag} is not among the document's tags`);
      if (!op.summary) mistakes.push(`${where}: no summary`);
      if (!Array.isArray(op.security)) mistakes.push(`${where}: no security requirement`);
      const problem = Object.entries(op.responses ?? {}).some(
        ([status, r]) => /^4(XX|\d\d)$/.test(status) && Object.values(r.content ?? {}).some((c) => c.schema?.$ref === '#/components/schemas/Problem'),
      );
      if (!problem) mistakes.push(`${where}: no 4xx response with the Problem schema`);
    }
    expect(mistakes).toEqual([]);
  });

  it('has only references that resolve, and generates the web UI client types', async () => {
    const broken = refs(doc).filter(({ ref }) => !ref.startsWith('#/') || resolve(doc, ref) === undefined);
    expect(broken).toEqual([]);
    // What `npm run openapi` does for the web UI: it refuses a document that is not valid OpenAPI 3.
    const types = astToString(await openapiTS(doc as unknown as OpenAPI3));
    expect(types).toContain('getHealth: {');
    expect(types).toContain('Problem: {');
  });

  it('matches the generated openapi.json and web UI client types in the repository (run `npm run openapi` after changing a route)', async () => {
    const committed = JSON.parse(await readFile(path.join(ROOT, 'openapi.json'), 'utf8')) as unknown;
    expect(committed).toEqual(doc);
    expect(await readFile(path.join(ROOT, 'src/web/api/schema.d.ts'), 'utf8')).toBe(await clientTypes(doc as unknown as Record<string, unknown>));
  });

  it('marks public operations as needing no credential and unsafe ones as needing the CSRF header with a session', () => {
    expect(doc.paths['/healthz']?.get?.security).toEqual([]);
    const unsafe = operations(doc, '/api/v1/').filter(({ method, op }) => method !== 'get' && (op.security?.length ?? 0) > 0);
    expect(unsafe.length).toBeGreaterThan(0);
    for (const { op } of unsafe) expect(op.security).toContainEqual({ bearer: [] });
    expect(unsafe.some(({ op }) => (op.security ?? []).some((s) => JSON.stringify(s) === JSON.stringify({ session: [], csrf: [] })))).toBe(true);
  });

  it('serves the reference page at /api/docs without a session, with its assets and no inline script', async () => {
    const page = await world.app.inject({ method: 'GET', url: '/api/docs' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.body).toContain('<div id="swagger-ui">');
    // Scripts are files, so a CSP of script-src 'self' lets them run.
    expect(page.body).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    // Swagger UI sets inline styles: the page's CSP allows them, and only the page's.
    const csp = String(page.headers['content-security-policy'] ?? '');
    expect(csp).toMatch(/script-src 'self'(;|$)/);
    expect(csp).toMatch(/style-src[^;]*'unsafe-inline'/);
    const elsewhere = await world.app.inject({ method: 'GET', url: '/healthz' });
    expect(String(elsewhere.headers['content-security-policy'])).not.toContain('unsafe-inline');
    for (const asset of ['/api/docs/static/swagger-ui-bundle.js', '/api/docs/static/swagger-initializer.js', '/api/docs/static/swagger-ui.css', '/api/docs/json']) {
      const r = await world.app.inject({ method: 'GET', url: asset });
      expect(r.statusCode, asset).toBe(200);
    }
  });
});
