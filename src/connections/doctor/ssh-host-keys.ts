import { spawn } from 'node:child_process';
import { createHash, createHmac } from 'node:crypto';

export interface HostKey {
  /** ssh-rsa, ecdsa-sha2-nistp256, ssh-ed25519, ... */
  type: string;
  /** The key blob, base64, as in known_hosts. */
  key: string;
  /** `SHA256:...`, as ssh-keygen -l prints it. */
  fingerprint: string;
}

export interface ProcessResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** The program is not installed (ENOENT) or could not start. */
  spawnError?: NodeJS.ErrnoException;
  timedOut: boolean;
}

/** Runs a program without a shell; secrets never go in `args` (files only). */
export function runProcess(command: string, args: readonly string[], o: { timeoutMs: number; env?: NodeJS.ProcessEnv }): Promise<ProcessResult> {
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env: o.env ?? process.env });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, o.timeoutMs);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve({ code: null, stdout, stderr, spawnError: error, timedOut });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, timedOut });
    });
  });
}

export function keyFingerprint(base64: string): string {
  return `SHA256:${createHash('sha256').update(Buffer.from(base64, 'base64')).digest('base64').replace(/=+$/, '')}`;
}

/** How known_hosts names a host: bare on port 22, `[host]:port` otherwise. */
export function hostPattern(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

export function knownHostsLine(host: string, port: number, key: HostKey): string {
  return `${hostPattern(host, port)} ${key.type} ${key.key}`;
}

/** Lines of `ssh-keyscan` output (`host type base64`); comments and banners are ignored. */
export function parseKeyscan(stdout: string): HostKey[] {
  const keys: HostKey[] = [];
  for (const line of stdout.split(/\r?\n/)) {
    const parts = line.trim().split(/\s+/);
    if (parts.length < 3 || parts[0]!.startsWith('#')) continue;
    const [, type, key] = parts as [string, string, string];
    if (!/^(ssh-|ecdsa-|sk-)/.test(type) || !/^[A-Za-z0-9+/]{20,}={0,3}$/.test(key)) continue;
    keys.push({ type, key, fingerprint: keyFingerprint(key) });
  }
  return keys;
}

function globMatches(pattern: string, name: string): boolean {
  const regex = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i');
  return regex.test(name);
}

/** One known_hosts host field against a host name: plain, comma-separated, wildcards, `!negation` and hashed `|1|salt|hash`. */
export function hostFieldMatches(field: string, host: string, port: number): boolean {
  const name = hostPattern(host, port);
  if (field.startsWith('|1|')) {
    const [, , salt, hash] = field.split('|');
    if (!salt || !hash) return false;
    return createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64') === hash;
  }
  let matched = false;
  for (const pattern of field.split(',')) {
    if (pattern.startsWith('!')) {
      if (globMatches(pattern.slice(1), name)) return false;
    } else if (globMatches(pattern, name)) {
      matched = true;
    }
  }
  return matched;
}

/** The keys known_hosts text pins for a host; `@cert-authority` and `@revoked` lines pin nothing. */
export function pinnedKeysFor(knownHosts: string | undefined, host: string, port: number): HostKey[] {
  const keys: HostKey[] = [];
  for (const raw of (knownHosts ?? '').split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith('@')) continue;
    const [field, type, key] = line.split(/\s+/);
    if (!field || !type || !key || !hostFieldMatches(field, host, port)) continue;
    keys.push({ type, key, fingerprint: keyFingerprint(key) });
  }
  return keys;
}

export type ScanResult = { ok: true; keys: HostKey[] } | { ok: false; missingProgram: boolean; detail: string };

/** Asks the SSH server for its host keys (`ssh-keyscan`), RSA first: Azure DevOps presents only RSA (FACTS §6). */
export async function scanHostKeys(host: string, port: number, types: readonly string[], timeoutMs: number): Promise<ScanResult> {
  const seconds = String(Math.max(1, Math.ceil(timeoutMs / 1000)));
  const result = await runProcess('ssh-keyscan', ['-T', seconds, '-p', String(port), '-t', types.join(','), '--', host], { timeoutMs: timeoutMs + 1000 });
  if (result.spawnError) return { ok: false, missingProgram: result.spawnError.code === 'ENOENT', detail: result.spawnError.message };
  const keys = parseKeyscan(result.stdout);
  if (keys.length === 0) {
    const detail = result.stderr.split(/\r?\n/).filter((l) => l.trim() !== '' && !l.startsWith('#')).pop() ?? (result.timedOut ? 'timed out' : 'no host key offered');
    return { ok: false, missingProgram: false, detail };
  }
  const rank = (k: HostKey): number => (k.type === 'ssh-rsa' ? 0 : 1);
  return { ok: true, keys: keys.sort((a, b) => rank(a) - rank(b)) };
}
