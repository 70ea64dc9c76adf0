// git over SSH with the connection's key only: no agent, no user ssh config, no prompt, and the host key checked
// against what is pinned (Azure DevOps' published fingerprints, or the keys pinned to a Server connection). A host
// nobody pinned is refused: "accept new" is never an option for Azure DevOps hosts.
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { ServiceEndpoints } from '../azure/endpoints.js';
import { sshCloneUrl } from '../azure/urls.js';
import { encodeSegment } from '../azure/urls/encoding.js';
import type { Connection } from '../connections/connection.js';
import { knownHostsLine, pinnedKeysFor } from '../connections/doctor/ssh-host-keys.js';
import { AzdoError } from '../errors/azdo-error.js';
import { GitErrorCodes } from './git-errors.js';
import { QUIET_GIT_ENV, type GitRemote } from './git-env.js';
import { lockedDownSshOptions } from './ssh-options.js';

const FINGERPRINT = /^SHA256:[A-Za-z0-9+/]{20,}={0,2}$/;

function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

function urlHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

/** Where SSH goes: Services at the configured SSH endpoint, a Server at its web host and its SSH port. */
export function sshEndpoint(connection: Connection, endpoints: ServiceEndpoints): { host: string; port: number } {
  if (connection.deployment.kind === 'services') return { host: endpoints.sshHost, port: endpoints.sshPort };
  return { host: new URL(connection.url).hostname.replace(/^\[|\]$/g, ''), port: connection.ssh.port ?? 22 };
}

export function sshRepositoryUrl(connection: Connection, endpoints: ServiceEndpoints, project: string, repository: string): string {
  const { host, port } = sshEndpoint(connection, endpoints);
  const d = connection.deployment;
  if (d.kind === 'services') {
    const names = [d.organization, project, repository].map(encodeSegment).join('/');
    return `ssh://git@${urlHost(host)}:${port}/v3/${names}`;
  }
  return sshCloneUrl(d, project, repository, { sshHost: urlHost(host), sshPort: port });
}

/**
 * OpenSSH pins keys, not fingerprints. For Services only fingerprints are published, so a KnownHostsCommand answers
 * with the key the server presented exactly when its fingerprint is one of them; ssh then checks it as a pinned key.
 */
function fingerprintCheckScript(fingerprints: readonly string[]): string {
  const safe = fingerprints.filter((f) => FINGERPRINT.test(f));
  const pattern = safe.length > 0 ? safe.map((f) => `'${f}'`).join('|') : `''`;
  // Called first with NONE to ask for an algorithm order: answering nothing lets ssh choose.
  return `#!/bin/sh\ncase "$1" in\n  ${pattern}) printf '%s %s %s\\n' "$2" "$3" "$4" ;;\nesac\nexit 0\n`;
}

function hostKeyUnconfirmed(connection: Connection, where: string): AzdoError {
  return new AzdoError(
    GitErrorCodes.sshHostKeyUnconfirmed,
    `No SSH host key is pinned for ${where} in connection "${connection.name}", so git will not connect to it over SSH.`,
    `Run \`azdo-connect connection test ${connection.name}\` to see the server's host key and pin it once its administrator confirms the fingerprint (or pass --known-hosts-file to \`connection edit\`).`,
    { connection: connection.name, where },
  );
}

export async function sshRemote(
  connection: Connection,
  endpoints: ServiceEndpoints,
  project: string,
  repository: string,
  tempDir: string | undefined,
): Promise<GitRemote> {
  const credential = connection.credential;
  if (credential.type !== 'ssh') throw new TypeError('sshRemote needs an SSH credential');
  const { host, port } = sshEndpoint(connection, endpoints);
  const where = `${host}:${port}`;
  const services = connection.deployment.kind === 'services';
  const pinned = services ? [] : pinnedKeysFor(connection.ssh.knownHosts, host, port);
  if (!services && pinned.length === 0) throw hostKeyUnconfirmed(connection, where);

  const dir = await mkdtemp(path.join(tempDir ?? os.tmpdir(), 'azdo-git-ssh-'));
  try {
    const keyFile = path.join(dir, 'key');
    const hostKeyScript = path.join(dir, 'host-key');
    // Services: no known_hosts file, the script answers for the host (an empty file would say no more than /dev/null).
    const knownHostsFile = services ? '/dev/null' : path.join(dir, 'known_hosts');
    const hostOptions: string[] = services ? ['-o', `KnownHostsCommand=${hostKeyScript} %f %H %t %K`] : [];
    // Separate files in a new directory only we can read, written at once (all settled before a failure removes the
    // directory). Unlike a key the user keeps, this one is not synced to disk: it is removed once git is done.
    const written = await Promise.allSettled([
      writeFile(keyFile, `${credential.privateKey.trimEnd()}\n`, { mode: 0o600, flag: 'wx' }),
      services
        ? writeFile(hostKeyScript, fingerprintCheckScript(endpoints.pinnedHostKeys), { mode: 0o700 }).then(() => chmod(hostKeyScript, 0o700))
        : writeFile(knownHostsFile, `${pinned.map((k) => knownHostsLine(host, port, k)).join('\n')}\n`, { mode: 0o600 }),
    ]);
    for (const w of written) if (w.status === 'rejected') throw w.reason;
    const command = [
      'ssh',
      ...lockedDownSshOptions(keyFile, knownHostsFile),
      '-o', 'UpdateHostKeys=no',
      ...hostOptions,
      '-o', 'ConnectTimeout=30',
      // A stalled connection ends within a minute instead of hanging the fetch (and its lock) forever.
      '-o', 'ServerAliveInterval=15',
      '-o', 'ServerAliveCountMax=4',
    ];
    return {
      url: sshRepositoryUrl(connection, endpoints, project, repository),
      env: {
        ...QUIET_GIT_ENV,
        GIT_SSH_COMMAND: command.map(shellQuote).join(' '),
        GIT_SSH_VARIANT: 'ssh',
        SSH_AUTH_SOCK: '',
        // Only the config entry that matters for SSH: no credential helper.
        GIT_CONFIG_COUNT: '1',
        GIT_CONFIG_KEY_0: 'credential.helper',
        GIT_CONFIG_VALUE_0: '',
      },
      transport: 'ssh',
      where,
      cleanup: () => rm(dir, { recursive: true, force: true }),
    };
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}
