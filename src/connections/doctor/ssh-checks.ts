import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { ServiceEndpoints } from '../../azure/endpoints.js';
import { sshCloneUrl } from '../../azure/urls.js';
import { writePrivateKeyFile } from '../../credentials/ssh-keys.js';
import type { Connection } from '../connection.js';
import { CheckRecorder } from './check-recorder.js';
import { day } from './credential-checks.js';
import { DoctorCodes } from './doctor-codes.js';
import type { DoctorReport } from './doctor-types.js';
import { knownHostsLine, pinnedKeysFor, runProcess, scanHostKeys, type HostKey, type ProcessResult } from './ssh-host-keys.js';
import { failure, sshVerdict } from './ssh-verdict.js';
import { lockedDownSshOptions } from '../../git/ssh-options.js';

export const SSH_CHECK_IDS = ['ssh-host-key', 'ssh-key', 'ssh-repository'] as const;

const EXPIRY_WARNING_MS = 14 * 86_400_000;

export interface SshInputs {
  connection: Connection;
  endpoints: ServiceEndpoints;
  timeoutMs: number;
  /** A repository to try `git ls-remote` on; without it only the key is checked. */
  repository?: { project?: string; name: string };
}

export interface SshOutcome {
  recorder: CheckRecorder;
  unconfirmedHostKey?: NonNullable<DoctorReport['unconfirmedHostKey']>;
  readCode?: boolean;
}

function sshTarget(i: SshInputs): { host: string; port: number; services: boolean } {
  if (i.connection.deployment.kind === 'services') return { host: i.endpoints.sshHost, port: i.endpoints.sshPort, services: true };
  return { host: new URL(i.connection.url).hostname.replace(/^\[|\]$/g, ''), port: i.connection.ssh.port ?? 22, services: false };
}

function sshOptions(keyFile: string, knownHostsFile: string, timeoutMs: number): string[] {
  return [...lockedDownSshOptions(keyFile, knownHostsFile), '-o', `ConnectTimeout=${Math.max(1, Math.ceil(timeoutMs / 1000))}`];
}

function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

function repositoryUrl(i: SshInputs, host: string, port: number, repo: { project?: string; name: string }): string {
  const d = i.connection.deployment;
  if (d.kind === 'services') {
    const names = [d.organization, repo.project ?? repo.name, repo.name].map(encodeURIComponent).join('/');
    return `ssh://git@${host.includes(':') ? `[${host}]` : host}:${port}/v3/${names}`;
  }
  return sshCloneUrl(d, repo.project, repo.name, { sshHost: host, sshPort: port });
}

/**
 * SSH, with the real OpenSSH client: the host key first (Azure DevOps' published key pinned; a Server's shown for the
 * user to confirm, then pinned), then the key (`ssh -T`), then optionally a repository (`git ls-remote`).
 */
export async function sshChecks(i: SshInputs): Promise<SshOutcome> {
  const rec = new CheckRecorder();
  const outcome: SshOutcome = { recorder: rec };
  const credential = i.connection.credential;
  if (credential.type !== 'ssh') return outcome;
  const { host, port, services } = sshTarget(i);
  const where = `${host}:${port}`;
  const repoIds = i.repository ? ['ssh-repository'] : [];

  const started = performance.now();
  const scan = await scanHostKeys(host, port, services ? ['rsa'] : ['rsa', 'ecdsa', 'ed25519'], i.timeoutMs);
  const scanMs = performance.now() - started;
  if (!scan.ok) {
    if (scan.missingProgram) {
      rec.problem('fail', 'ssh-host-key', DoctorCodes.sshClientMissing, 'OpenSSH (ssh, ssh-keyscan) is not installed on this machine.', 'Install the OpenSSH client (Debian/Ubuntu: apt-get install openssh-client) and git.', scanMs);
    } else {
      rec.problem(
        'fail',
        'ssh-host-key',
        DoctorCodes.sshUnreachable,
        `Nothing answered SSH at ${where} (${scan.detail}).`,
        services
          ? 'Azure DevOps Services answers SSH on port 22 only: check that this network lets outbound port 22 through, or use HTTPS with a PAT.'
          : 'Check that SSH is turned on in the Azure DevOps Server Administration Console (Application Tier > SSH Service), and that the connection\'s SSH port is the one it listens on.',
        scanMs,
      );
    }
    rec.skipAll(['ssh-key', ...repoIds], `no SSH host answered at ${where}.`);
    return outcome;
  }

  let trusted: HostKey | undefined;
  if (services) {
    trusted = scan.keys.find((k) => i.endpoints.pinnedHostKeys.includes(k.fingerprint));
    if (!trusted) {
      rec.problem(
        'fail',
        'ssh-host-key',
        DoctorCodes.sshHostKeyMismatch,
        `The SSH server at ${where} presented the host key ${scan.keys[0]!.fingerprint}, which is not Azure DevOps' published key (${i.endpoints.pinnedHostKeys.join(', ')}). Something may be intercepting the connection.`,
        'Do not use SSH from this network until this is explained: a proxy, a DNS override or a firewall may redirect port 22. Compare with the fingerprint Microsoft publishes (learn.microsoft.com, "Use SSH key authentication").',
        scanMs,
        { presented: scan.keys.map((k) => k.fingerprint) },
      );
      rec.skipAll(['ssh-key', ...repoIds], 'the SSH host key is not Azure DevOps\'.');
      return outcome;
    }
    rec.pass('ssh-host-key', `${where} presented Azure DevOps' published host key ${trusted.fingerprint}.`, scanMs, { fingerprint: trusted.fingerprint });
  } else {
    const pinned = pinnedKeysFor(i.connection.ssh.knownHosts, host, port);
    if (pinned.length === 0) {
      const key = scan.keys[0]!;
      outcome.unconfirmedHostKey = { host, port, fingerprint: key.fingerprint, knownHostsLine: knownHostsLine(host, port, key) };
      // A failure, not a warning: git refuses a host key that is not pinned, so until it is confirmed the
      // connection cannot be used at all, and its status must not say it works.
      rec.problem(
        'fail',
        'ssh-host-key',
        DoctorCodes.sshHostKeyUnconfirmed,
        `${where} presented the host key ${key.fingerprint} (${key.type}), which this connection has not pinned yet.`,
        'Ask the server\'s administrator for its SSH host key fingerprint and compare; if it is the same, confirm it and the key is pinned to this connection.',
        scanMs,
        { fingerprint: key.fingerprint, type: key.type },
      );
      rec.skipAll(['ssh-key', ...repoIds], 'the server\'s SSH host key has to be confirmed first.');
      return outcome;
    }
    trusted = scan.keys.find((k) => pinned.some((p) => p.type === k.type && p.key === k.key));
    if (!trusted) {
      rec.problem(
        'fail',
        'ssh-host-key',
        DoctorCodes.sshHostKeyMismatch,
        `${where} presented the host key ${scan.keys[0]!.fingerprint}, not the one pinned for this connection (${pinned.map((k) => k.fingerprint).join(', ')}).`,
        'If the server\'s administrator confirms the server got a new host key, remove the pinned key from the connection and confirm the new one; otherwise something may be intercepting the connection.',
        scanMs,
        { presented: scan.keys.map((k) => k.fingerprint), pinned: pinned.map((k) => k.fingerprint) },
      );
      rec.skipAll(['ssh-key', ...repoIds], 'the SSH host key does not match the pinned one.');
      return outcome;
    }
    rec.pass('ssh-host-key', `${where} presented the pinned host key ${trusted.fingerprint}.`, scanMs, { fingerprint: trusted.fingerprint });
  }

  const dir = await mkdtemp(path.join(os.tmpdir(), 'azdo-doctor-'));
  try {
    const keyFile = path.join(dir, 'key');
    const knownHostsFile = path.join(dir, 'known_hosts');
    await Promise.all([
      writePrivateKeyFile(keyFile, `${credential.privateKey.trimEnd()}\n`),
      writeFile(knownHostsFile, `${knownHostsLine(host, port, trusted)}\n`, { mode: 0o600 }),
    ]);
    const options = sshOptions(keyFile, knownHostsFile, i.timeoutMs);
    const env = { ...process.env, GIT_TERMINAL_PROMPT: '0', SSH_AUTH_SOCK: '' };
    const sshStarted = performance.now();
    const repo = i.repository;
    // The key and the repository are asked at once: each is one SSH connection, and both answers are needed.
    const [shell, lsRemote] = await Promise.all([
      runProcess('ssh', ['-T', '-p', String(port), ...options, '--', `git@${host}`], { timeoutMs: i.timeoutMs + 2000, env }),
      repo
        ? runProcess('git', ['ls-remote', '--', repositoryUrl(i, host, port, repo), 'HEAD'], {
            timeoutMs: i.timeoutMs + 2000,
            env: { ...env, GIT_SSH_COMMAND: ['ssh', ...options].map(shellQuote).join(' ') },
          })
        : Promise.resolve(undefined),
    ]);
    const keyMs = performance.now() - sshStarted;
    const accepted = keyCheck(rec, i, shell, where, keyMs);
    if (repo && lsRemote) {
      if (!accepted) rec.skip('ssh-repository', 'the SSH key was not accepted.');
      else if (repositoryCheck(rec, repo, lsRemote, keyMs)) outcome.readCode = true;
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return outcome;
}

function keyCheck(rec: CheckRecorder, i: SshInputs, result: ProcessResult, where: string, ms: number): boolean {
  const credential = i.connection.credential;
  if (credential.type !== 'ssh') return false;
  if (result.spawnError) {
    rec.problem('fail', 'ssh-key', DoctorCodes.sshClientMissing, 'OpenSSH (ssh) is not installed on this machine.', 'Install the OpenSSH client (Debian/Ubuntu: apt-get install openssh-client) and git.', ms);
    return false;
  }
  const verdict = sshVerdict(result.stderr);
  const expiresAt = credential.expiresAt;
  const expired = expiresAt !== undefined && Date.parse(expiresAt) <= Date.now() ? day(expiresAt) : undefined;
  if (verdict !== 'accepted') {
    failure(rec, 'ssh-key', verdict, result, where, ms, expired);
    return false;
  }
  const left = expiresAt === undefined ? undefined : Date.parse(expiresAt) - Date.now();
  if (left !== undefined && left > 0 && left < EXPIRY_WARNING_MS) {
    rec.problem(
      'warn',
      'ssh-key',
      DoctorCodes.credentialExpiring,
      `Azure DevOps accepted the SSH key ${credential.fingerprint}, but it expires on ${day(expiresAt!)}.`,
      'Azure DevOps stops accepting an SSH key a year after it was added: add the public key again (User settings > SSH public keys) and record the new date.',
      ms,
      { fingerprint: credential.fingerprint, expiresAt },
    );
  } else {
    rec.pass('ssh-key', `Azure DevOps accepted the SSH key ${credential.fingerprint}.`, ms, { fingerprint: credential.fingerprint });
  }
  return true;
}

function repositoryCheck(rec: CheckRecorder, repo: { project?: string; name: string }, result: ProcessResult, ms: number): boolean {
  const name = repo.project ? `${repo.project}/${repo.name}` : repo.name;
  if (result.code === 0) {
    rec.pass('ssh-repository', `git can read ${name} over SSH.`, ms);
    return true;
  }
  if (result.spawnError) {
    rec.problem('fail', 'ssh-repository', DoctorCodes.sshClientMissing, 'git is not installed on this machine.', 'Install git (Debian/Ubuntu: apt-get install git).', ms);
    return false;
  }
  failure(rec, 'ssh-repository', sshVerdict(result.stderr), result, name, ms);
  return false;
}
