// How git reaches one repository through a connection: the URL to give it and the environment that carries the
// credential. Secrets travel only in that environment (HTTPS) or in a 0600 file (SSH): never in a URL, in argv or in
// a git config file, so neither a process list nor the mirror's config ever shows them.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { rootCertificates } from 'node:tls';
import { apiBaseUrl, type ServiceEndpoints } from '../azure/endpoints.js';
import { checkCustomHeaders } from '../azure/client/build-request.js';
import { encodeSegment } from '../azure/urls/encoding.js';
import type { Connection } from '../connections/connection.js';
import { assertCredentialFitsDeployment, ServicePrincipalTokenSource } from '../credentials/service-principal.js';
import { gitConfigEnv, QUIET_GIT_ENV, type GitRemote } from './git-env.js';
import { sshRemote } from './git-ssh-remote.js';

export { gitConfigEnv, QUIET_GIT_ENV, type GitRemote } from './git-env.js';

export interface GitRemoteOptions {
  /** Service principals: reuse a token source (and its cached token) across calls. */
  tokenSource?: ServicePrincipalTokenSource;
  /** Where the temporary files go; default the system's temporary directory. */
  tempDir?: string;
}

/** `{organization or collection URL}/{project}/_git/{repository}`, with Services at the configured endpoint. */
export function httpsRepositoryUrl(connection: Connection, endpoints: ServiceEndpoints, project: string, repository: string): string {
  return `${apiBaseUrl(connection, endpoints)}/${encodeSegment(project)}/_git/${encodeSegment(repository)}`;
}

/**
 * The URL and environment for git to reach `project/repository`: over SSH when the connection holds an SSH key,
 * otherwise over HTTPS with the PAT (Basic) or the service principal's Entra token (Bearer) as an extra header.
 */
export async function gitRemoteFor(
  connection: Connection,
  endpoints: ServiceEndpoints,
  project: string,
  repository: string,
  o: GitRemoteOptions = {},
): Promise<GitRemote> {
  if (connection.credential.type === 'ssh') return sshRemote(connection, endpoints, project, repository, o.tempDir);
  return httpsRemote(connection, endpoints, project, repository, o);
}

async function authorizationOf(connection: Connection, endpoints: ServiceEndpoints, o: GitRemoteOptions): Promise<string> {
  const credential = connection.credential;
  if (credential.type === 'pat') return `Basic ${Buffer.from(`:${credential.token}`, 'utf8').toString('base64')}`;
  if (credential.type !== 'servicePrincipal') throw new TypeError('an SSH credential has no HTTP authorization');
  assertCredentialFitsDeployment(credential, connection.deployment);
  const source =
    o.tokenSource ?? new ServicePrincipalTokenSource({ ...credential, authority: credential.authority ?? endpoints.entraAuthority });
  return `Bearer ${(await source.getToken()).token}`;
}

/** The CA bundle git should trust: the system's plus the connection's, since `http.sslCAInfo` replaces the default. */
async function caBundleText(extra: string): Promise<string> {
  for (const file of ['/etc/ssl/certs/ca-certificates.crt', '/etc/pki/tls/certs/ca-bundle.crt', '/etc/ssl/cert.pem']) {
    const system = await readFile(file, 'utf8').catch(() => undefined);
    if (system !== undefined) return `${system.trimEnd()}\n${extra.trim()}\n`;
  }
  return `${rootCertificates.join('\n')}\n${extra.trim()}\n`;
}

async function httpsRemote(
  connection: Connection,
  endpoints: ServiceEndpoints,
  project: string,
  repository: string,
  o: GitRemoteOptions,
): Promise<GitRemote> {
  const base = apiBaseUrl(connection, endpoints);
  const url = httpsRepositoryUrl(connection, endpoints, project, repository);
  const headers = checkCustomHeaders(Object.fromEntries(connection.customHeaders.map((h) => [h.name, h.value])));
  const authorization = await authorizationOf(connection, endpoints, o);
  // Scoped to the organization or collection: a redirect elsewhere, or a submodule in another organization, gets
  // neither the credential nor the proxy's headers.
  const scope = `http.${base}/`;
  const entries: Array<[string, string]> = [
    // Empty resets the list: no credential helper of the user's (or ours) answers for this command.
    ['credential.helper', ''],
    [`${scope}.extraHeader`, `Authorization: ${authorization}`],
    ...Object.entries(headers).map(([name, value]): [string, string] => [`${scope}.extraHeader`, `${name}: ${value}`]),
  ];
  let dir: string | undefined;
  const caEnv: Record<string, string> = {};
  const caBundle = connection.tls.caBundle;
  if (caBundle !== undefined && caBundle.trim() !== '') {
    dir = await mkdtemp(path.join(o.tempDir ?? os.tmpdir(), 'azdo-git-'));
    const caFile = path.join(dir, 'ca.pem');
    await writeFile(caFile, await caBundleText(caBundle), { mode: 0o600 });
    // GIT_SSL_CAINFO rather than http.sslCAInfo: git 2.39 with libcurl-gnutls ignores the config key (seen on
    // Debian 12). The bundle holds the system's authorities too, so other hosts stay verified as before.
    caEnv.GIT_SSL_CAINFO = caFile;
  }
  const made = dir;
  return {
    url,
    env: { ...QUIET_GIT_ENV, ...gitConfigEnv(entries), ...caEnv },
    transport: 'https',
    where: url,
    cleanup: async () => {
      if (made) await rm(made, { recursive: true, force: true });
    },
  };
}
