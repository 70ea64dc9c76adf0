import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../simulator/index.js';
import {
  generateSshKeyPair,
  importSshPrivateKey,
  sshKeyExpiry,
  SshKeyErrorCodes,
  writePrivateKeyFile,
  type SshKeyPair,
} from '../../src/credentials/ssh-keys.js';
import { rejection } from '../helpers/rejection.js';

const exec = promisify(execFile);

/** Runs a real program without a shell; never throws on a non-zero exit. */
async function run(file: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec(file, args, { timeout: 30_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? String(error) };
  }
}


let dir: string;
let pair: SshKeyPair;
let keyFile: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'azdo-ssh-keys-'));
  pair = await generateSshKeyPair();
  keyFile = path.join(dir, 'azdo_rsa');
  await writePrivateKeyFile(keyFile, pair.privateKey);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true, maxRetries: 5 });
});

describe('generateSshKeyPair', () => {
  it('makes an RSA 4096 key in OpenSSH format with a public line to paste into Azure DevOps', () => {
    expect(pair.bits).toBe(4096);
    expect(pair.privateKey).toMatch(/^-----BEGIN OPENSSH PRIVATE KEY-----\n[\s\S]+\n-----END OPENSSH PRIVATE KEY-----\n$/);
    expect(pair.publicKey).toMatch(/^ssh-rsa AAAAB3NzaC1yc2EAAAADAQAB[A-Za-z0-9+/]+=* azdo-connect$/);
    expect(pair.fingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
  });

  it('reports the fingerprint real ssh-keygen -lf prints, for the private and the public key', async () => {
    const fromPrivate = await run('ssh-keygen', ['-l', '-f', keyFile]);
    expect(fromPrivate.stdout.trim()).toBe(`4096 ${pair.fingerprint} azdo-connect (RSA)`);
    const pubFile = path.join(dir, 'azdo_rsa.pub');
    await writeFile(pubFile, `${pair.publicKey}\n`);
    const fromPublic = await run('ssh-keygen', ['-l', '-f', pubFile]);
    expect(fromPublic.stdout.trim()).toBe(`4096 ${pair.fingerprint} azdo-connect (RSA)`);
  });

  it('gives the public key real ssh-keygen -y derives from the private key, and the private key is unencrypted', async () => {
    const derived = await run('ssh-keygen', ['-y', '-P', '', '-f', keyFile]);
    expect(derived.code).toBe(0);
    expect(derived.stdout.trim()).toBe(pair.publicKey);
  });

  it('makes a different key each time and puts the comment on one line', async () => {
    const other = await generateSshKeyPair({ comment: 'build agent\n07' });
    expect(other.fingerprint).not.toBe(pair.fingerprint);
    expect(other.publicKey).toMatch(/ build agent 07$/);
    expect((await importSshPrivateKey(other.privateKey)).publicKey).toBe(other.publicKey);
  });
});

describe('a generated key against the simulator over real OpenSSH', () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await startSimulator({ seed: 'empty' });
    await sim.control.createHost({ name: 'fabrikam' });
  });
  afterAll(async () => {
    await sim.stop();
  });

  const sshT = (identity: string) =>
    run('ssh', [
      '-F', '/dev/null',
      '-i', identity,
      '-o', 'IdentitiesOnly=yes',
      '-o', 'IdentityAgent=none',
      '-o', 'BatchMode=yes',
      '-o', 'StrictHostKeyChecking=accept-new',
      '-o', `UserKnownHostsFile=${path.join(dir, 'known_hosts')}`,
      '-p', String(sim.sshPort),
      '-T', 'git@127.0.0.1',
    ]);

  it('is refused before its public key is registered', async () => {
    const r = await sshT(keyFile);
    expect(r.code).toBe(255);
    expect(r.stderr).toContain('Permission denied (publickey)');
  });

  it('authenticates once registered: the server answers "Shell access is not supported."', async () => {
    const user = await sim.control.createUser({ uniqueName: 'dev@fabrikam.example', hosts: ['fabrikam'] });
    await sim.control.addSshKey({ user: user.id, publicKey: pair.publicKey });
    const r = await sshT(keyFile);
    expect(r.stderr).toContain('Shell access is not supported.');
    expect(r.code).toBe(1);
  });
});

describe('writePrivateKeyFile', () => {
  it('writes a file only its owner can read', async () => {
    const mode = (await stat(keyFile)).mode & 0o777;
    expect(mode).toBe(0o600);
    expect(await readFile(keyFile, 'utf8')).toBe(pair.privateKey);
  });

  it('refuses to overwrite an existing file and leaves it untouched', async () => {
    const existing = path.join(dir, 'id_rsa');
    await writeFile(existing, 'the only copy of another key\n');
    const error = await rejection(writePrivateKeyFile(existing, pair.privateKey));
    expect(error.code).toBe(SshKeyErrorCodes.FILE_EXISTS);
    expect(error.message).toContain(existing);
    expect(await readFile(existing, 'utf8')).toBe('the only copy of another key\n');
  });

  it('explains a folder that does not exist, without leaving a file behind', async () => {
    const error = await rejection(writePrivateKeyFile(path.join(dir, 'missing', 'key'), pair.privateKey));
    expect(error.code).toBe(SshKeyErrorCodes.FILE_UNWRITABLE);
    expect(error.message).toMatch(/folder does not exist/);
    expect(JSON.stringify(error)).not.toContain('PRIVATE KEY');
  });

  it('adds the final newline OpenSSH needs', async () => {
    const file = path.join(dir, 'no_newline');
    await writePrivateKeyFile(file, pair.privateKey.trimEnd());
    expect(await readFile(file, 'utf8')).toBe(pair.privateKey);
  });
});

describe('sshKeyExpiry', () => {
  it('is 365 days after registration, which is never later than Azure DevOps\' one year', () => {
    expect(sshKeyExpiry('2025-03-14T10:00:00Z')).toBe('2026-03-14T10:00:00.000Z');
    expect(sshKeyExpiry(new Date('2024-01-01T00:00:00Z'))).toBe('2024-12-31T00:00:00.000Z');
  });

  it('refuses a date that is not one', () => {
    expect(() => sshKeyExpiry('last tuesday')).toThrow(expect.objectContaining({ code: SshKeyErrorCodes.DATE_INVALID }));
  });
});
