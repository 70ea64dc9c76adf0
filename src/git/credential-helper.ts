// A git credential helper (gitcredentials(7)): git asks with `get` and a few `key=value` lines, and we answer with
// the matching connection's credential, so no token is ever pasted into a URL. `store` and `erase` change nothing:
// the connection, not git, owns the credential. When no connection matches we answer nothing and git moves on to
// its next helper or prompt.
import { servicesEquivalentUrl, type ServiceEndpoints } from '../azure/endpoints.js';
import { parseAzureUrl, sameDeployment, type Deployment } from '../azure/urls.js';
import type { ConnectionService } from '../connections/connection-service.js';
import type { ConnectionView } from '../connections/connection-view.js';
import { ServicePrincipalTokenSource } from '../credentials/service-principal.js';

export type CredentialRequest = Record<string, string>;

export interface CredentialAnswer {
  username: string;
  password: string;
  /** Service principals: when the token expires, so git (2.41+) does not reuse it after. */
  passwordExpiryUtc?: number;
  /** The connection that answered (for logs; never printed to git). */
  connection: string;
}

/** `key=value` lines up to a blank line or the end; array keys (`wwwauth[]`) keep their last value. */
export function parseCredentialRequest(text: string): CredentialRequest {
  const request: CredentialRequest = {};
  for (const line of text.split('\n')) {
    const clean = line.replace(/\r$/, '');
    if (clean === '') break;
    const at = clean.indexOf('=');
    if (at > 0) request[clean.slice(0, at)] = clean.slice(at + 1);
  }
  return request;
}

export function formatCredentialAnswer(answer: CredentialAnswer): string {
  // A value with a line break would let it inject other keys; git refuses them too.
  const lines = [`username=${answer.username}`, `password=${answer.password}`];
  if (answer.passwordExpiryUtc !== undefined) lines.push(`password_expiry_utc=${answer.passwordExpiryUtc}`);
  if (lines.some((l) => /[\r\n\0]/.test(l))) return '';
  return `${lines.join('\n')}\n`;
}

function encodePath(p: string): string {
  return p.split('/').map((s) => encodeURIComponent(s)).join('/');
}

function originOf(url: string): string | undefined {
  try {
    return new URL(url).origin.toLowerCase();
  } catch {
    return undefined;
  }
}

/**
 * The connections the request can mean. With a path (`credential.useHttpPath`), the URL names the organization or
 * collection. Without one: on the Services host the user name (Azure DevOps' clone URLs read
 * `https://{organization}@dev.azure.com/...`) or a `{organization}.visualstudio.com` host names the organization; a
 * Server is known by its origin when only one collection of that server has a connection.
 */
export function candidatesFor(request: CredentialRequest, all: readonly ConnectionView[], endpoints: ServiceEndpoints): ConnectionView[] {
  const protocol = request.protocol?.toLowerCase();
  const host = request.host?.toLowerCase();
  if ((protocol !== 'https' && protocol !== 'http') || !host) return [];
  const usable = all.filter((c) => c.credential.type !== 'ssh');
  const knownServers = usable.map((c) => c.deployment).filter((d) => d.kind === 'server');
  const same = (d: Deployment): ConnectionView[] => usable.filter((c) => sameDeployment(c.deployment, d));
  const requestOrigin = originOf(`${protocol}://${host}`);
  const servicesOrigin = originOf(endpoints.servicesUrl);

  if (request.path !== undefined && request.path !== '') {
    try {
      const url = servicesEquivalentUrl(`${protocol}://${host}/${encodePath(request.path)}`, endpoints, { knownServers });
      return same(parseAzureUrl(url, { knownServers }).deployment);
    } catch {
      return [];
    }
  }
  const legacy = /^([a-z0-9][a-z0-9-]{0,48}[a-z0-9]?)\.visualstudio\.com$/.exec(host);
  if (protocol === 'https' && legacy) return same({ kind: 'services', organization: legacy[1]!, host: 'visualstudio.com' });
  const servicesHost = host === 'dev.azure.com' || requestOrigin === servicesOrigin;
  const user = request.username?.trim();
  // The user name names the organization; one without a connection gets no other organization's credential.
  if (servicesHost && user && !/[@/\s]/.test(user)) return same({ kind: 'services', organization: user, host: 'dev.azure.com' });
  const servers = usable.filter((c) => c.deployment.kind === 'server' && originOf(c.deployment.origin) === requestOrigin);
  const services = servicesHost ? usable.filter((c) => c.deployment.kind === 'services') : [];
  const pool = [...servers, ...services];
  // Only when every candidate is one organization or collection: a credential is never guessed among several.
  return pool.every((c) => sameDeployment(c.deployment, pool[0]!.deployment)) ? pool : [];
}

/** The credential for a `get` request, or undefined when no connection clearly matches. */
export async function answerCredentialRequest(connections: ConnectionService, request: CredentialRequest): Promise<CredentialAnswer | undefined> {
  const candidates = candidatesFor(request, await connections.listAllConnections(), connections.endpoints);
  const view = [...candidates].sort((a, b) => a.name.localeCompare(b.name))[0];
  if (!view) return undefined;
  const connection = await connections.getConnection(view.id);
  const credential = connection.credential;
  // Azure DevOps ignores the user name with a PAT; keeping git's own avoids a mismatch with the URL's.
  const username = request.username?.trim() || 'azdo-connect';
  if (credential.type === 'pat') return { username, password: credential.token, connection: connection.name };
  if (credential.type !== 'servicePrincipal' || connection.deployment.kind !== 'services') return undefined;
  const source = new ServicePrincipalTokenSource({ ...credential, authority: credential.authority ?? connections.endpoints.entraAuthority });
  const token = await source.getToken();
  return { username, password: token.token, passwordExpiryUtc: Math.floor(token.expiresAt.getTime() / 1000), connection: connection.name };
}
