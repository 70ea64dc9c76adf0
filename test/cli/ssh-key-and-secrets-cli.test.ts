// `ssh-key generate` and `secrets rotate-key` as real processes.
import { execFile } from 'node:child_process';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliWorld, type CliWorld } from './cli-world.js';
import { runCli } from './run-cli.js';

const exec = promisify(execFile);
let world: CliWorld;

beforeAll(async () => {
  world = await cliWorld();
});
afterAll(() => world.close());

describe('ssh-key generate', () => {
  it('writes an RSA 4096 private key readable only by its owner, and prints the public key to paste', async () => {
    const out = path.join(world.dir, 'azdo_rsa');
    const result = await runCli(['ssh-key', 'generate', '--out', out, '--json'], { env: world.env });
    expect(result.code).toBe(0);
    const generated = result.json as { publicKey: string; fingerprint: string; bits: number; privateKeyFile: string };
    expect(generated).toMatchObject({ bits: 4096, privateKeyFile: out });
    expect(generated.publicKey).toMatch(/^ssh-rsa AAAA[A-Za-z0-9+/=]+ azdo-connect$/);
    expect((await stat(out)).mode & 0o777).toBe(0o600);
    const text = await readFile(out, 'utf8');
    expect(text).toMatch(/^-----BEGIN OPENSSH PRIVATE KEY-----\n/);
    expect(result.stdout).not.toContain(text.split('\n')[1]!);
    // What OpenSSH itself derives from the file is what was printed.
    const { stdout } = await exec('ssh-keygen', ['-y', '-f', out]);
    expect(stdout.trim().split(' ').slice(0, 2)).toEqual(generated.publicKey.split(' ').slice(0, 2));

    const plain = await runCli(['ssh-key', 'generate', '--out', path.join(world.dir, 'second_rsa')], { env: world.env });
    expect(plain.code).toBe(0);
    expect(plain.stdout).toContain('User settings > SSH public keys');
    expect(plain.stdout).toMatch(/^ssh-rsa AAAA/m);
    expect(plain.stdout).toMatch(/Fingerprint: SHA256:/);
  });

  it('refuses to overwrite an existing file, and leaves it untouched', async () => {
    const existing = await world.file('id_existing', 'precious\n');
    const result = await runCli(['ssh-key', 'generate', '--out', existing, '--json'], { env: world.env });
    expect(result.code).toBe(5);
    expect(result.json).toMatchObject({ error: { code: 'AZDO_SSH_KEY_FILE_EXISTS' } });
    expect(await readFile(existing, 'utf8')).toBe('precious\n');
  });

  it('2 without --out', async () => {
    expect((await runCli(['ssh-key', 'generate'], { env: world.env })).code).toBe(2);
  });
});

describe('secrets rotate-key', () => {
  it('re-encrypts everything under a new key file, after which every connection still decrypts and works', async () => {
    const pat = await world.file('pat.txt', world.pat);
    const header = await world.file('header.txt', 'proxy-secret-value');
    const env = world.env;
    expect((await runCli(['connection', 'add', '--name', 'prod', '--url', 'https://dev.azure.com/fabrikam', '--pat-file', pat, '--secret-header-file', `X-Proxy-Secret=${header}`, '--no-test'], { env })).code).toBe(0);
    const keyFile = path.join(world.dataDir, 'secret.key');
    const before = await readFile(keyFile, 'utf8');

    const rotate = await runCli(['secrets', 'rotate-key', '--json'], { env });
    expect(rotate.code).toBe(0);
    expect(rotate.json).toMatchObject({ reencrypted: 2, nextStep: 'The key file was replaced; nothing else to do.' });
    expect(JSON.stringify(rotate.json)).not.toContain('newKey');
    const after = await readFile(keyFile, 'utf8');
    expect(after).not.toBe(before);
    expect((await stat(keyFile)).mode & 0o777).toBe(0o600);

    const test = await runCli(['connection', 'test', 'prod', '--json'], { env });
    expect(test.code).toBe(0);
    expect(test.json).toMatchObject({ ok: true });
  });

  it('asks for the new key when the key comes from the environment, and never prints it', async () => {
    const oldKey = Buffer.alloc(32, 7).toString('base64');
    const newKey = Buffer.alloc(32, 9).toString('base64');
    const dataDir = path.join(world.dir, 'env-key-data');
    const env = { ...world.env, AZDO_CONNECT_DATA: dataDir, AZDO_CONNECT_SECRET_KEY: oldKey };
    const pat = await world.file('pat2.txt', world.pat);
    expect((await runCli(['connection', 'add', '--name', 'prod', '--url', 'https://dev.azure.com/fabrikam', '--pat-file', pat, '--no-test'], { env })).code).toBe(0);

    const refused = await runCli(['secrets', 'rotate-key', '--json'], { env });
    expect(refused.code).toBe(3);
    expect(refused.json).toMatchObject({ error: { code: 'AZDO_CLI_SECRET_MISSING', field: 'newKey' } });

    const newKeyFile = await world.file('new.key', `${newKey}\n`);
    const rotated = await runCli(['secrets', 'rotate-key', '--new-key-file', newKeyFile], { env });
    expect(rotated.code).toBe(0);
    expect(rotated.stdout).toContain('Set AZDO_CONNECT_SECRET_KEY to the new key');
    expect(rotated.stdout + rotated.stderr).not.toContain(newKey);

    const withOldKey = await runCli(['connection', 'test', 'prod', '--json'], { env });
    expect(withOldKey.json).toMatchObject({ error: { code: 'AZDO_SECRET_KEY_MISMATCH' } });
    const withNewKey = await runCli(['connection', 'test', 'prod', '--json'], { env: { ...env, AZDO_CONNECT_SECRET_KEY: newKey } });
    expect(withNewKey.code).toBe(0);
  });
});
