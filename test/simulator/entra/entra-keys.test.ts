import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { keyIdFor, loadOrCreateSigningKey } from '../../../simulator/entra/entra-keys.js';
import { issueAppToken, verifyAccessToken } from '../../../simulator/entra/entra-tokens.js';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'entra-keys-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true, maxRetries: 5 });
});

describe('loadOrCreateSigningKey', () => {
  it('creates an RSA key in a 0600 file and returns the same key on the next load', async () => {
    const file = join(dir, 'nested', 'state', 'entra-key.json');
    const first = await loadOrCreateSigningKey(file);

    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(first.kid).toMatch(/^[A-Za-z0-9_-]{27}$/);
    expect(first.kid).toBe(keyIdFor(first.publicJwk));
    expect(first.publicJwk).toEqual({ kty: 'RSA', n: first.privateJwk.n, e: 'AQAB' });
    expect(first.publicJwk).not.toHaveProperty('d');
    // 2048-bit modulus: 256 bytes, 342 base64url characters.
    expect(first.publicJwk.n).toHaveLength(342);

    const stored = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
    expect(stored).toMatchObject({ kid: first.kid, publicJwk: first.publicJwk, privateJwk: first.privateJwk });

    const second = await loadOrCreateSigningKey(file);
    expect(second).toEqual(first);
  });

  it('keeps tokens valid across a "restart" (a second load of the same file)', async () => {
    const file = join(dir, 'entra-key.json');
    const before = await loadOrCreateSigningKey(file);
    const { accessToken } = await issueAppToken(before, {
      tenantId: '3f2b9c1e-4d5a-4b6c-8d7e-9f0a1b2c3d4e',
      appId: '0a1b2c3d-1111-4222-8333-444455556666',
      objectId: '9e8d7c6b-aaaa-4bbb-8ccc-ddddeeeeffff',
    });
    const after = await loadOrCreateSigningKey(file);
    expect(await verifyAccessToken(after, accessToken)).toMatchObject({ ok: true });
  });

  it('hands every concurrent caller the same key and leaves no temporary files behind', async () => {
    const file = join(dir, 'entra-key.json');
    const keys = await Promise.all([1, 2, 3, 4].map(() => loadOrCreateSigningKey(file)));
    const kids = new Set(keys.map((k) => k.kid));
    expect(kids.size).toBe(1);
    expect((await loadOrCreateSigningKey(file)).kid).toBe(keys[0]?.kid);
    expect(await readdir(dir)).toEqual(['entra-key.json']);
  });

  it('refuses a damaged key file instead of silently replacing the key', async () => {
    const file = join(dir, 'entra-key.json');
    await writeFile(file, '{"kid": "x"', { mode: 0o600 });
    await expect(loadOrCreateSigningKey(file)).rejects.toThrow(/not valid JSON/);
    await writeFile(file, JSON.stringify({ kid: 'x', privateJwk: { kty: 'RSA' }, publicJwk: {} }));
    await expect(loadOrCreateSigningKey(file)).rejects.toThrow(/does not hold an RSA key pair/);
    expect(await readFile(file, 'utf8')).toContain('"kid":"x"');
  });
});
