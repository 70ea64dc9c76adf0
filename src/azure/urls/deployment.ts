import type { AzdoError } from '../../errors/azdo-error.js';
import { decodeSegment, encodeSegment, equalsIgnoreCase } from './encoding.js';
import type { RawUrl } from './raw-url.js';
import type { Deployment, ServerDeployment } from './types.js';
import { EXPECTED_FORMS, invalidUrl, unsupportedUrl } from './url-errors.js';

export type HostKind =
  /** dev.azure.com and its area hosts (vsrm., vssps., ...), all with the organization as the first segment. */
  | { kind: 'dev-azure' }
  /** {org}.visualstudio.com and its area hosts ({org}.vsrm.visualstudio.com, ...). */
  | { kind: 'legacy'; organization: string }
  | { kind: 'ssh-services'; legacy: boolean }
  | { kind: 'server' };

const FORGES: ReadonlyArray<readonly [string, string]> = [
  ['github.com', 'GitHub'],
  ['githubusercontent.com', 'GitHub'],
  ['github.io', 'GitHub'],
  ['gitlab.com', 'GitLab'],
  ['bitbucket.org', 'Bitbucket'],
  ['codeberg.org', 'Codeberg'],
  ['sourceforge.net', 'SourceForge'],
  ['gitee.com', 'Gitee'],
];

// visualstudio.com hosts that are Microsoft sites, not organizations.
const NOT_ORGANIZATIONS = new Set(['www', 'app', 'marketplace', 'code', 'docs', 'my', 'status', 'ssh']);

const DNS_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i;

function isUnder(host: string, domain: string): boolean {
  return host === domain || host.endsWith(`.${domain}`);
}

/** Tells Services hosts from Server hosts; anything not Microsoft's and not a known forge is taken to be Server. */
export function classifyHost(host: string): HostKind {
  const lower = host.toLowerCase();
  const forge = FORGES.find(([domain]) => isUnder(lower, domain));
  if (forge) {
    throw unsupportedUrl(`This is a ${forge[1]} URL, not an Azure DevOps URL.`, EXPECTED_FORMS);
  }
  if (lower === 'ssh.dev.azure.com') return { kind: 'ssh-services', legacy: false };
  if (lower === 'vs-ssh.visualstudio.com') return { kind: 'ssh-services', legacy: true };
  if (lower === 'dev.azure.com' || /^[^.]+\.dev\.azure\.com$/.test(lower)) return { kind: 'dev-azure' };
  if (isUnder(lower, 'azure.com')) {
    throw unsupportedUrl('This is an Azure address, but not an Azure DevOps one.', EXPECTED_FORMS);
  }
  if (isUnder(lower, 'visualstudio.com')) {
    const labels = host.split('.');
    const first = labels[0] ?? '';
    const fits = labels.length === 3 || (labels.length === 4 && first.toLowerCase() !== 'app');
    if (fits && !NOT_ORGANIZATIONS.has(first.toLowerCase())) return { kind: 'legacy', organization: first };
    throw unsupportedUrl(
      'This visualstudio.com address does not name an Azure DevOps organization.',
      'Use the organization\'s URL: https://dev.azure.com/{organization} or https://{organization}.visualstudio.com.',
    );
  }
  return { kind: 'server' };
}

/** `https://host[:port]`, lowercase. An SSH URL says nothing of the web port or scheme, so it guesses https. */
export function serverOrigin(raw: RawUrl): string {
  const scheme = raw.scheme === 'http' ? 'http' : 'https';
  const defaultPort = scheme === 'http' ? 80 : 443;
  const keepPort = raw.scheme !== 'ssh' && raw.port !== undefined && raw.port !== defaultPort;
  return `${scheme}://${raw.host.toLowerCase()}${keepPort ? `:${raw.port}` : ''}`;
}

export function originHostPort(origin: string): { scheme: string; host: string; port: number | undefined } {
  const match = /^([a-z][a-z0-9+.-]*):\/\/(\[[^\]]*\]|[^:/]*)(?::(\d+))?/i.exec(origin);
  const scheme = (match?.[1] ?? 'https').toLowerCase();
  const port = match?.[3] === undefined ? undefined : Number(match[3]);
  return { scheme, host: (match?.[2] ?? origin).toLowerCase(), port };
}

function effectivePort(scheme: string, port: number | undefined): number {
  return port ?? (scheme === 'http' ? 80 : 443);
}

export function virtualDirectorySegments(deployment: ServerDeployment): string[] {
  return deployment.virtualDirectory.split('/').filter((s) => s !== '');
}

function looseDecode(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/**
 * The known Server collection whose virtual directory and collection begin the path, longest first. Over SSH only
 * the host name is compared, since the SSH port is not the web port.
 */
export function matchKnownServer(
  raw: RawUrl,
  known: readonly Deployment[] | undefined,
): { deployment: ServerDeployment; rest: string[] } | undefined {
  let best: { deployment: ServerDeployment; rest: string[] } | undefined;
  let bestLength = -1;
  for (const candidate of known ?? []) {
    if (candidate.kind !== 'server') continue;
    const origin = originHostPort(candidate.origin);
    if (origin.host !== raw.host.toLowerCase()) continue;
    if (raw.scheme !== 'ssh' && effectivePort(origin.scheme, origin.port) !== effectivePort(raw.scheme, raw.port)) {
      continue;
    }
    const needed = [...virtualDirectorySegments(candidate), candidate.collection];
    const fits = needed.every((name, i) => equalsIgnoreCase(looseDecode(raw.segments[i] ?? ''), name));
    if (fits && needed.length > bestLength) {
      best = { deployment: candidate, rest: raw.segments.slice(needed.length) };
      bestLength = needed.length;
    }
  }
  return best;
}

/**
 * Splits the path segments before the first route (`_git`, `_apis`, ...) into virtual directory, collection and what
 * follows. Without a known deployment this is a guess, made in this order: a `DefaultCollection` segment is the
 * collection; a leading `tfs` is the classic virtual directory; with a route, the segment before it is the project
 * and the one before that the collection; without one, the last segment is the collection.
 */
export function guessServerPrefix(
  prefix: readonly string[],
  hasRoute: boolean,
): { virtualDirectory: string[]; collection: string; after: string[] } {
  const missing = (): never => {
    throw invalidUrl(
      'The Azure DevOps Server URL does not name a project collection.',
      'Include the collection after the host (and virtual directory, if any), e.g. https://{host}/DefaultCollection or https://{host}/tfs/DefaultCollection.',
    );
  };
  const dc = prefix.findIndex((s) => equalsIgnoreCase(s, 'DefaultCollection'));
  if (dc >= 0) {
    return { virtualDirectory: prefix.slice(0, dc), collection: prefix[dc] ?? '', after: prefix.slice(dc + 1) };
  }
  const n = prefix.length;
  if (equalsIgnoreCase(prefix[0], 'tfs')) {
    if (n < 2) return missing();
    return { virtualDirectory: ['tfs'], collection: prefix[1] ?? '', after: prefix.slice(2) };
  }
  if (n === 0) return missing();
  if (!hasRoute || n === 1) {
    return { virtualDirectory: prefix.slice(0, -1), collection: prefix[n - 1] ?? '', after: [] };
  }
  return { virtualDirectory: prefix.slice(0, -2), collection: prefix[n - 2] ?? '', after: [prefix[n - 1] ?? ''] };
}

export function serverDeployment(raw: RawUrl, virtualDirectory: readonly string[], collection: string): ServerDeployment {
  const vdir = virtualDirectory.map((s) => `/${decodeSegment(s, 'virtual directory')}`).join('');
  return { kind: 'server', origin: serverOrigin(raw), virtualDirectory: vdir, collection: decodeSegment(collection, 'collection name') };
}

export function missingOrganization(): AzdoError {
  return invalidUrl(
    'The URL does not name an organization.',
    'Put the organization right after the host: https://dev.azure.com/{organization}/...',
  );
}

/** `fromUserName` for the legacy SSH form that names the organization as the user, where a token may sit instead. */
export function organizationName(raw: string, fromUserName = false): string {
  if (raw === '' || raw.startsWith('_')) throw missingOrganization();
  return decodeSegment(raw, 'organization name', !fromUserName);
}

/** dev.azure.com/{org} and {org}.visualstudio.com are one organization; names compare without regard to case. */
export function sameDeployment(a: Deployment, b: Deployment): boolean {
  if (a.kind === 'services' && b.kind === 'services') return equalsIgnoreCase(a.organization, b.organization);
  if (a.kind === 'server' && b.kind === 'server') {
    return (
      equalsIgnoreCase(a.origin, b.origin) &&
      equalsIgnoreCase(a.virtualDirectory.replace(/\/+$/, ''), b.virtualDirectory.replace(/\/+$/, '')) &&
      equalsIgnoreCase(a.collection, b.collection)
    );
  }
  return false;
}

/**
 * The canonical base URL. The legacy host is kept when the deployment uses it (its REST responses echo that host),
 * unless the name cannot be a host label, in which case the equivalent dev.azure.com form is the only valid one.
 */
export function organizationUrl(deployment: Deployment): string {
  if (deployment.kind === 'services') {
    const { organization, host } = deployment;
    if (host === 'visualstudio.com' && DNS_LABEL.test(organization)) return `https://${organization}.visualstudio.com`;
    return `https://dev.azure.com/${encodeSegment(organization)}`;
  }
  const vdir = virtualDirectorySegments(deployment).map((s) => `/${encodeSegment(s)}`).join('');
  return `${deployment.origin.replace(/\/+$/, '')}${vdir}/${encodeSegment(deployment.collection)}`;
}
