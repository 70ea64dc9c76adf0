import { AzdoError } from '../errors/azdo-error.js';
import type { Deployment } from './urls.js';
import { matchKnownServer } from './urls/deployment.js';
import { splitUrl, type RawUrl } from './urls/raw-url.js';

export const ENDPOINT_INVALID = 'AZDO_ENDPOINT_INVALID';

/**
 * Where "Azure DevOps Services" lives. Real values by default; the environment can point every Services call at the
 * simulator (its ready line prints these), which is how Services mode is tested without Microsoft's hosts.
 */
export interface ServiceEndpoints {
  /** 'https://dev.azure.com'; env AZDO_CONNECT_SERVICES_URL. */
  servicesUrl: string;
  /** 'ssh.dev.azure.com' and 22; env AZDO_CONNECT_SERVICES_SSH ("host:port"). */
  sshHost: string;
  sshPort: number;
  /** Host key fingerprints (`SHA256:...`) Azure DevOps publishes; env AZDO_CONNECT_SERVICES_SSH_FINGERPRINT (comma-separated). */
  pinnedHostKeys: string[];
  /** 'https://login.microsoftonline.com'; env AZDO_CONNECT_ENTRA_AUTHORITY. */
  entraAuthority: string;
}

/** The key ssh.dev.azure.com and vs-ssh.visualstudio.com both present (FACTS §6). */
export const AZURE_DEVOPS_SSH_HOST_KEY = 'SHA256:ohD8VZEXGWo6Ez8GSEJQ9WpafgLFsOfLOtGGQCQo6Og';

export const DEFAULT_ENDPOINTS: Readonly<ServiceEndpoints> = Object.freeze({
  servicesUrl: 'https://dev.azure.com',
  sshHost: 'ssh.dev.azure.com',
  sshPort: 22,
  pinnedHostKeys: [AZURE_DEVOPS_SSH_HOST_KEY],
  entraAuthority: 'https://login.microsoftonline.com',
});

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === '' ? undefined : trimmed;
}

function parseHostPort(value: string): { host: string; port: number } {
  // "[::1]:2222", "host:2222" or a bare host (port 22).
  const match = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(value);
  const invalid = (why: string): AzdoError =>
    new AzdoError(ENDPOINT_INVALID, `AZDO_CONNECT_SERVICES_SSH ${why}: ${JSON.stringify(value)}.`, 'Set it to "host:port", e.g. ssh.dev.azure.com:22, or unset it to use Azure DevOps Services.');
  if (!match) throw invalid('must be "host:port"');
  const port = match[2] === undefined ? 22 : Number(match[2]);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw invalid('has an invalid port');
  }
  return { host: (match[1] ?? '').replace(/^\[|\]$/g, ''), port };
}

export function endpointsFromEnv(env: NodeJS.ProcessEnv = process.env): ServiceEndpoints {
  const servicesUrl = nonEmpty(env.AZDO_CONNECT_SERVICES_URL)?.replace(/\/+$/, '') ?? DEFAULT_ENDPOINTS.servicesUrl;
  const ssh = nonEmpty(env.AZDO_CONNECT_SERVICES_SSH);
  const { host: sshHost, port: sshPort } = ssh === undefined
    ? { host: DEFAULT_ENDPOINTS.sshHost, port: DEFAULT_ENDPOINTS.sshPort }
    : parseHostPort(ssh);
  const fingerprints = nonEmpty(env.AZDO_CONNECT_SERVICES_SSH_FINGERPRINT);
  const pinnedHostKeys = fingerprints === undefined
    ? [...DEFAULT_ENDPOINTS.pinnedHostKeys]
    : fingerprints.split(',').map((f) => f.trim()).filter((f) => f !== '');
  const entraAuthority = nonEmpty(env.AZDO_CONNECT_ENTRA_AUTHORITY)?.replace(/\/+$/, '') ?? DEFAULT_ENDPOINTS.entraAuthority;
  return { servicesUrl, sshHost, sshPort, pinnedHostKeys, entraAuthority };
}

/**
 * The base URL REST calls go to: Services organizations always at `${servicesUrl}/{organization}` (organization-level
 * APIs accept either host form, FACTS §1.1, and this lets the simulator stand in); Server at the connection's URL.
 */
export function apiBaseUrl(
  c: { kind: 'services' | 'server'; deployment: Deployment; url: string },
  e: ServiceEndpoints,
): string {
  if (c.deployment.kind === 'services') {
    return `${e.servicesUrl.replace(/\/+$/, '')}/${encodeURIComponent(c.deployment.organization)}`;
  }
  return c.url.replace(/\/+$/, '');
}

function effectivePort(raw: RawUrl): number {
  return raw.port ?? (raw.scheme === 'http' ? 80 : raw.scheme === 'ssh' ? 22 : 443);
}

/**
 * The public Services form (`https://dev.azure.com/...`, `git@ssh.dev.azure.com:v3/...`) of a URL that a stand-in for
 * Azure DevOps Services (the simulator, through AZDO_CONNECT_SERVICES_URL and AZDO_CONNECT_SERVICES_SSH) handed out,
 * so it maps to the Services connection it belongs to. With Microsoft's own endpoints, and for every URL not under
 * the stand-in, the input comes back unchanged. A stand-in may also serve Server collections on the same origin:
 * URLs under a known Server collection stay Server URLs.
 */
export function servicesEquivalentUrl(input: string, e: ServiceEndpoints, o: { knownServers?: readonly Deployment[] } = {}): string {
  const simulatedHttp = e.servicesUrl.replace(/\/+$/, '').toLowerCase() !== DEFAULT_ENDPOINTS.servicesUrl;
  const simulatedSsh = e.sshHost.toLowerCase() !== DEFAULT_ENDPOINTS.sshHost || e.sshPort !== DEFAULT_ENDPOINTS.sshPort;
  if (!simulatedHttp && !simulatedSsh) return input;
  let raw: RawUrl;
  let base: RawUrl;
  try {
    raw = splitUrl(input);
    base = splitUrl(e.servicesUrl);
  } catch {
    return input;
  }
  const query = [...raw.params].map(([k, v]) => (v === '' ? k : `${k}=${v}`)).join('&');
  const tail = query === '' ? '' : `?${query}`;
  if (raw.scheme === 'ssh') {
    const fits = simulatedSsh && raw.host.toLowerCase() === e.sshHost.toLowerCase() && effectivePort(raw) === e.sshPort;
    if (!fits || raw.segments[0]?.toLowerCase() !== 'v3') return input;
    return `git@ssh.dev.azure.com:${raw.segments.join('/')}`;
  }
  const sameOrigin = simulatedHttp && raw.scheme === base.scheme && raw.host.toLowerCase() === base.host.toLowerCase() && effectivePort(raw) === effectivePort(base);
  const under = base.segments.every((s, i) => raw.segments[i]?.toLowerCase() === s.toLowerCase());
  if (!sameOrigin || !under) return input;
  if (matchKnownServer(raw, o.knownServers)) return input;
  const rest = raw.segments.slice(base.segments.length);
  return `https://dev.azure.com/${rest.join('/')}${tail}`;
}
