import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a real program (git, ssh, ssh-keygen) without a shell; never throws on a non-zero exit. */
export async function run(file: string, args: string[], o: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<Run> {
  try {
    const { stdout, stderr } = await exec(file, args, {
      cwd: o.cwd,
      env: { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_CONFIG_NOSYSTEM: '1', ...o.env },
      timeout: o.timeoutMs ?? 60_000,
      maxBuffer: 64 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number | string; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? String(error) };
  }
}

export async function tempDir(prefix = 'azdo-test-'): Promise<{ dir: string; cleanup(): Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true, maxRetries: 5 }) };
}

/** A fresh RSA (or other) key pair made by the real ssh-keygen. */
export async function sshKeygen(dir: string, name: string, type: 'rsa' | 'ed25519' = 'rsa'): Promise<{ privateKeyPath: string; publicKey: string }> {
  const privateKeyPath = path.join(dir, name);
  const args = ['-q', '-t', type, '-N', '', '-C', `${name}@test`, '-f', privateKeyPath];
  if (type === 'rsa') args.unshift('-b', '2048');
  const r = await run('ssh-keygen', args);
  if (r.code !== 0) throw new Error(r.stderr);
  return { privateKeyPath, publicKey: (await readFile(`${privateKeyPath}.pub`, 'utf8')).trim() };
}

export function basic(token: string): string {
  return `Basic ${Buffer.from(`:${token}`).toString('base64')}`;
}

/**
 * Environment that makes git send an Authorization header, the way Azure DevOps documents for PATs (FACTS §7),
 * through git's environment rather than argv, so the secret never shows in a process list.
 */
export function gitAuthEnv(authorization: string): NodeJS.ProcessEnv {
  return { GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'http.extraHeader', GIT_CONFIG_VALUE_0: `Authorization: ${authorization}` };
}

/** Environment for git over SSH with one key, no agent, and the simulator's host key pinned. */
export function gitSshEnv(privateKeyPath: string, knownHostsFile: string): NodeJS.ProcessEnv {
  return {
    GIT_SSH_COMMAND: `ssh -i ${privateKeyPath} -o IdentitiesOnly=yes -o IdentityAgent=none -o BatchMode=yes -o StrictHostKeyChecking=yes -o UserKnownHostsFile=${knownHostsFile}`,
  };
}
