import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostFieldMatches, keyFingerprint, knownHostsLine, parseKeyscan, pinnedKeysFor } from '../../../src/connections/doctor/ssh-host-keys.js';
import { sshVerdict } from '../../../src/connections/doctor/ssh-verdict.js';

const run = promisify(execFile);
let dir: string;
let keyBlob: string;
let fingerprint: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'doctor-hostkeys-'));
  await run('ssh-keygen', ['-q', '-t', 'rsa', '-b', '2048', '-N', '', '-f', path.join(dir, 'host')]);
  keyBlob = (await readFile(path.join(dir, 'host.pub'), 'utf8')).split(' ')[1]!;
  fingerprint = (await run('ssh-keygen', ['-lf', path.join(dir, 'host.pub')])).stdout.split(' ')[1]!;
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true, maxRetries: 5 });
});

describe('SSH host keys', () => {
  it('computes the fingerprint ssh-keygen prints', () => {
    expect(keyFingerprint(keyBlob)).toBe(fingerprint);
  });

  it('reads ssh-keyscan output and ignores its banner comments', () => {
    const keys = parseKeyscan(`# 127.0.0.1:2222 SSH-2.0-x\n[127.0.0.1]:2222 ssh-rsa ${keyBlob}\n\nnot a key line\n`);
    expect(keys).toEqual([{ type: 'ssh-rsa', key: keyBlob, fingerprint }]);
  });

  it('writes known_hosts lines the way OpenSSH names hosts', () => {
    const key = { type: 'ssh-rsa', key: keyBlob, fingerprint };
    expect(knownHostsLine('tfs.contoso.example', 22, key)).toBe(`tfs.contoso.example ssh-rsa ${keyBlob}`);
    expect(knownHostsLine('127.0.0.1', 2222, key)).toBe(`[127.0.0.1]:2222 ssh-rsa ${keyBlob}`);
  });

  it('finds pinned keys by plain, listed, wildcard and negated patterns', () => {
    const line = (field: string) => `${field} ssh-rsa ${keyBlob}`;
    expect(pinnedKeysFor(line('tfs.contoso.example'), 'tfs.contoso.example', 22)).toHaveLength(1);
    expect(pinnedKeysFor(line('tfs.contoso.example'), 'tfs.contoso.example', 2222)).toHaveLength(0);
    expect(pinnedKeysFor(line('[tfs.contoso.example]:2222'), 'tfs.contoso.example', 2222)).toHaveLength(1);
    expect(pinnedKeysFor(line('other.example,TFS.contoso.example'), 'tfs.contoso.example', 22)).toHaveLength(1);
    expect(pinnedKeysFor(line('*.contoso.example,!build.contoso.example'), 'tfs.contoso.example', 22)).toHaveLength(1);
    expect(pinnedKeysFor(line('*.contoso.example,!build.contoso.example'), 'build.contoso.example', 22)).toHaveLength(0);
    expect(pinnedKeysFor(`# comment\n@revoked ${line('tfs.contoso.example')}`, 'tfs.contoso.example', 22)).toHaveLength(0);
    expect(pinnedKeysFor(undefined, 'tfs.contoso.example', 22)).toEqual([]);
  });

  it('matches known_hosts hashed by ssh-keygen -H', async () => {
    const file = path.join(dir, 'known_hosts');
    await writeFile(file, `[tfs.contoso.example]:2222 ssh-rsa ${keyBlob}\n`);
    await run('ssh-keygen', ['-H', '-f', file]);
    const hashed = await readFile(file, 'utf8');
    expect(hashed).toMatch(/^\|1\|/);
    expect(pinnedKeysFor(hashed, 'tfs.contoso.example', 2222).map((k) => k.fingerprint)).toEqual([fingerprint]);
    expect(pinnedKeysFor(hashed, 'tfs.contoso.example', 22)).toEqual([]);
    expect(hostFieldMatches('|1|broken', 'tfs.contoso.example', 22)).toBe(false);
  });

  it('reads what OpenSSH and Azure DevOps print', () => {
    expect(sshVerdict('remote: Shell access is not supported.\nshell request failed on channel 0\n')).toBe('accepted');
    expect(sshVerdict('git@ssh.dev.azure.com: Permission denied (publickey).\n')).toBe('rejected');
    expect(sshVerdict('remote: Public key authentication failed.\nfatal: Could not read from remote repository.\n')).toBe('rejected');
    expect(sshVerdict("remote: TF401019: The Git repository with name or identifier x does not exist or you do not have permissions for the operation you are attempting.\nfatal: Could not read from remote repository.\n")).toBe('notFound');
    expect(sshVerdict('Host key verification failed.\n')).toBe('hostKey');
    expect(sshVerdict('ssh: connect to host 127.0.0.1 port 9: Connection refused\n')).toBe('unreachable');
    expect(sshVerdict('something else\n')).toBe('other');
  });
});
