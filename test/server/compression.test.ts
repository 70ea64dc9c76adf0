// Compressed answers: gzip for clients that ask for it, the same JSON either way, the connections page kept
// compressed until the workspace changes, and never for NDJSON streams (whose lines must arrive as they happen),
// small answers, or request bodies.
import { gunzipSync, gzipSync } from 'node:zlib';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMPRESSION_THRESHOLD_BYTES } from '../../src/server/plugins/compression.js';
import { serviceWorld, type ServiceWorld } from './service-world.js';

let w: ServiceWorld;
const fabrikam = 'https://dev.azure.com/fabrikam';

beforeAll(async () => {
  w = await serviceWorld({ simulator: true });
  // Enough connections for the first page to be well over the threshold.
  for (let i = 0; i < 12; i++) {
    const res = await w.request(w.admin, {
      method: 'POST',
      url: '/api/v1/connections',
      payload: { name: `conn-${String(i).padStart(2, '0')}`, url: fabrikam, description: 'x'.repeat(100), credential: { type: 'pat', token: w.pat } },
    });
    expect(res.statusCode, res.body).toBe(201);
  }
});
afterAll(async () => {
  await w?.close();
});

const gzip = { 'accept-encoding': 'gzip, deflate, br' };
const json = (res: LightMyRequestResponse): unknown =>
  JSON.parse((res.headers['content-encoding'] === 'gzip' ? gunzipSync(res.rawPayload) : res.rawPayload).toString('utf8'));

describe('the connections list', () => {
  it('is gzipped for a client that accepts gzip, and is the same JSON as the plain answer', async () => {
    const plain = await w.request(w.admin, { method: 'GET', url: '/api/v1/connections' });
    expect(plain.statusCode).toBe(200);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.rawPayload.length).toBeGreaterThan(COMPRESSION_THRESHOLD_BYTES);
    for (let i = 0; i < 2; i++) {
      // The second one comes from the page cache: it must carry the same headers.
      const zipped = await w.request(w.admin, { method: 'GET', url: '/api/v1/connections', headers: gzip });
      expect(zipped.statusCode).toBe(200);
      expect(zipped.headers['content-encoding']).toBe('gzip');
      expect(zipped.headers.vary).toMatch(/accept-encoding/i);
      expect(zipped.headers['content-type']).toContain('application/json');
      expect(Number(zipped.headers['content-length'])).toBe(zipped.rawPayload.length);
      expect(zipped.rawPayload.length).toBeLessThan(plain.rawPayload.length / 3);
      expect(json(zipped)).toEqual(json(plain));
    }
  });

  it('is sent plain when gzip is refused with q=0', async () => {
    const res = await w.request(w.admin, { method: 'GET', url: '/api/v1/connections', headers: { 'accept-encoding': 'gzip;q=0, identity' } });
    expect(res.headers['content-encoding']).toBeUndefined();
    expect((json(res) as { items: unknown[] }).items.length).toBeGreaterThan(0);
  });

  it('shows a change at once, compressed or not: the kept page is made again', async () => {
    const before = (await w.request(w.admin, { method: 'GET', url: '/api/v1/connections', headers: gzip })).rawPayload;
    const added = await w.request(w.admin, { method: 'POST', url: '/api/v1/connections', payload: { name: 'a-new-one', url: fabrikam, credential: { type: 'pat', token: w.pat } } });
    expect(added.statusCode).toBe(201);
    const after = await w.request(w.admin, { method: 'GET', url: '/api/v1/connections', headers: gzip });
    expect(after.rawPayload.equals(before)).toBe(false);
    const names = (json(after) as { items: Array<{ name: string }> }).items.map((c) => c.name);
    expect(names[0]).toBe('a-new-one');
  });
});

describe('other answers', () => {
  it('gzips any large JSON answer, such as the OpenAPI document', async () => {
    const res = await w.app.inject({ method: 'GET', url: '/openapi.json', headers: gzip });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-encoding']).toBe('gzip');
    expect((json(res) as { openapi: string }).openapi).toMatch(/^3\./);
  });

  it('leaves small answers alone', async () => {
    const res = await w.app.inject({ method: 'GET', url: '/healthz', headers: gzip });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-encoding']).toBeUndefined();
  });

  it('never compresses the NDJSON stream of "Test connection", whose checks must arrive one by one', async () => {
    const res = await w.request(w.admin, { method: 'POST', url: '/api/v1/connections/conn-00/test', headers: { ...gzip, accept: 'application/x-ndjson' } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('application/x-ndjson');
    expect(res.headers['content-encoding']).toBeUndefined();
    const lines = res.body.trimEnd().split('\n').map((l) => JSON.parse(l) as { type: string });
    expect(lines.at(-1)!.type).toBe('result');
  });

  it('refuses a compressed request body with problem JSON and changes nothing', async () => {
    const before = (json(await w.request(w.admin, { method: 'GET', url: '/api/v1/connections?limit=200' })) as { items: unknown[] }).items.length;
    const res = await w.request(w.admin, {
      method: 'POST',
      url: '/api/v1/connections',
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      payload: gzipSync(JSON.stringify({ name: 'zipped', url: fabrikam, credential: { type: 'pat', token: w.pat } })),
    });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json()).toMatchObject({ code: 'AZDO_BODY_ENCODING_UNSUPPORTED', hint: expect.stringContaining('uncompressed') });
    const after = (json(await w.request(w.admin, { method: 'GET', url: '/api/v1/connections?limit=200' })) as { items: unknown[] }).items.length;
    expect(after).toBe(before);
  });
});
