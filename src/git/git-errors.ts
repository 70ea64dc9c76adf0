// What git and OpenSSH print when a fetch fails, read into the codes users act on. git's stderr is the only account
// of what went wrong, so each pattern below is a line git 2.x, OpenSSH or Azure DevOps is known to print.
import { AzdoError } from '../errors/azdo-error.js';

export const GitErrorCodes = {
  repositoryNotFound: 'AZDO_REPOSITORY_NOT_FOUND',
  authFailed: 'AZDO_GIT_AUTH_FAILED',
  sshKeyRejected: 'AZDO_SSH_KEY_REJECTED',
  sshHostKeyMismatch: 'AZDO_SSH_HOST_KEY_MISMATCH',
  sshHostKeyUnconfirmed: 'AZDO_SSH_HOST_KEY_UNCONFIRMED',
  sshDisabled: 'AZDO_SSH_DISABLED',
  tlsUntrusted: 'AZDO_TLS_UNTRUSTED',
  diskFull: 'AZDO_DISK_FULL',
  mirrorBusy: 'AZDO_MIRROR_BUSY',
  unreachable: 'AZDO_GIT_UNREACHABLE',
  failed: 'AZDO_GIT_FAILED',
  gitMissing: 'AZDO_GIT_MISSING',
} as const;

export type GitFailureKind =
  | 'notFound'
  | 'auth'
  | 'sshKeyRejected'
  | 'hostKey'
  | 'sshDisabled'
  | 'tls'
  | 'diskFull'
  /** Worth another try: 5xx, a dropped connection, a stall. */
  | 'transient'
  | 'other';

// First match wins: git prints its generic "fatal: Could not read from remote repository" after the line that says why.
const KINDS: ReadonlyArray<readonly [GitFailureKind, RegExp]> = [
  ['diskFull', /No space left on device|ENOSPC|Disk quota exceeded/i],
  ['hostKey', /Host key verification failed|REMOTE HOST IDENTIFICATION HAS CHANGED|host key is known for .* and you have requested strict checking/i],
  ['sshKeyRejected', /Permission denied \(publickey|Public key authentication failed/i],
  ['notFound', /TF401019|TF200016|repository '.*' not found/i],
  ['sshDisabled', /SSH authentication is disabled/i],
  ['tls', /SSL certificate problem|server certificate verification failed|certificate verify failed|unable to get local issuer certificate|self[- ]signed certificate/i],
  ['auth', /returned error: (401|403)\b|Authentication failed for|could not read (Username|Password)|TF400813|TF401027|terminal prompts disabled/i],
  [
    'transient',
    /returned error: (5\d\d|429)\b|RPC failed|early EOF|unexpected disconnect|remote end hung up|Connection reset|Connection refused|Connection timed out|Operation timed out|timed out after|Operation too slow|Empty reply from server|transfer closed|Recv failure|Send failure|SSL_read|GnuTLS recv error|Could not resolve host|Temporary failure in name resolution|Connection closed by|kex_exchange_identification|Broken pipe|index-pack failed|HTTP\/2 stream/i,
  ],
];

export function classifyGitFailure(stderr: string): GitFailureKind {
  return KINDS.find(([, pattern]) => pattern.test(stderr))?.[0] ?? 'other';
}

/** The line that says why, without git's `remote:`/`fatal:` prefixes: the generic last lines help nobody. */
export function reasonLine(stderr: string, kind: GitFailureKind): string {
  const lines = stderr.split(/[\r\n]+/).map((l) => l.trim()).filter((l) => l !== '' && !/^(Cloning into|warning: redirecting)/.test(l));
  const pattern = KINDS.find(([k]) => k === kind)?.[1];
  const line = (pattern ? lines.find((l) => pattern.test(l)) : undefined) ?? lines.filter((l) => /^(fatal|error):/.test(l)).pop() ?? lines.pop() ?? '';
  return line.replace(/^(remote|fatal|error):\s*/i, '').replace(/^(remote|fatal|error):\s*/i, '').slice(0, 500);
}

export interface GitFailureContext {
  /** "project/repository", as users name it. */
  repository: string;
  /** Where git was talking to (host and port, or the URL without credentials). */
  where: string;
  transport: 'https' | 'ssh';
  /** The connection's name, for hints that name a command. */
  connection?: string;
}

/** The AzdoError for a failed git command, from what it printed. */
export function gitFailure(stderr: string, exitCode: number | null, c: GitFailureContext): AzdoError {
  const kind = classifyGitFailure(stderr);
  const said = reasonLine(stderr, kind) || `git exited with code ${String(exitCode)}`;
  const details = { repository: c.repository, transport: c.transport, where: c.where, gitMessage: said, kind };
  const test = c.connection ? `\`azdo-connect connection test ${c.connection}\`` : '`azdo-connect connection test`';
  switch (kind) {
    case 'notFound':
      return new AzdoError(
        GitErrorCodes.repositoryNotFound,
        `git could not find repository "${c.repository}" at ${c.where}: ${said}`,
        'TF401019 means the repository does not exist, or the connection\'s credential may not read it, or it is disabled: check the names, and give the credential Code (Read) access to the project.',
        details,
      );
    case 'auth':
      return new AzdoError(
        GitErrorCodes.authFailed,
        `Azure DevOps refused the connection's credential for git over HTTPS (${said}).`,
        `The token may have expired, been revoked, or lack the Code (Read) scope (Code (Read & write) to push). Create a new one and save it with \`azdo-connect connection edit\`, then run ${test}.`,
        details,
      );
    case 'sshKeyRejected':
      return new AzdoError(
        GitErrorCodes.sshKeyRejected,
        `Azure DevOps refused the connection's SSH key at ${c.where}: ${said}`,
        'Add the connection\'s public key under User settings > SSH public keys of an account that can read the repository; Azure DevOps also refuses keys older than a year and non-RSA keys.',
        details,
      );
    case 'hostKey':
      return new AzdoError(
        GitErrorCodes.sshHostKeyMismatch,
        `The SSH server at ${c.where} presented a host key that is not the one pinned for it (${said}); nothing was fetched.`,
        `Do not fetch over this network until this is explained: something may be intercepting SSH. If the server's administrator confirms a new host key, pin it again with ${test}.`,
        details,
      );
    case 'sshDisabled':
      return new AzdoError(
        GitErrorCodes.sshDisabled,
        `SSH is turned off for this organization: ${said}`,
        'An organization administrator turns on Organization settings > Policies > SSH authentication; or use HTTPS with a PAT.',
        details,
      );
    case 'tls':
      return new AzdoError(
        GitErrorCodes.tlsUntrusted,
        `git refused the TLS certificate of ${c.where}: ${said}`,
        'If the server uses a certificate from your own certificate authority, give the connection its CA bundle (`azdo-connect connection edit --ca-file ca.pem`); TLS checks are never turned off.',
        details,
      );
    case 'diskFull':
      return new AzdoError(
        GitErrorCodes.diskFull,
        `The disk filled up while fetching "${c.repository}"; the mirror was left as it was before this fetch.`,
        'Free some space on the disk that holds the data directory (AZDO_CONNECT_DATA), or use a partial clone (--filter blob:none), then fetch again.',
        details,
      );
    case 'transient':
      return new AzdoError(
        GitErrorCodes.unreachable,
        `Fetching "${c.repository}" from ${c.where} kept failing: ${said}`,
        'The server or the network between here and it is having trouble; the mirror was left as it was. Try again later.',
        details,
      );
    default:
      return new AzdoError(
        GitErrorCodes.failed,
        `git failed while fetching "${c.repository}" from ${c.where}: ${said}`,
        'The mirror was left as it was. Run the fetch again; if it keeps failing, run the same git command by hand to see its whole output.',
        details,
      );
  }
}

export function gitMissing(error: Error): AzdoError {
  return new AzdoError(
    GitErrorCodes.gitMissing,
    `git could not be started: ${error.message}.`,
    'Install git (Debian/Ubuntu: apt-get install git; it brings the OpenSSH client along) and make sure it is on the PATH.',
  );
}

export function mirrorBusy(dir: string, owner: string | undefined, waitedMs: number): AzdoError {
  return new AzdoError(
    GitErrorCodes.mirrorBusy,
    `Another fetch of this repository is running${owner ? ` (${owner})` : ''}${waitedMs > 0 ? `, and it did not finish within ${Math.round(waitedMs / 1000)} s` : ''}.`,
    'Wait for it to finish and try again; a fetch that was killed is noticed and its lock taken over after a minute.',
    { dir },
  );
}
