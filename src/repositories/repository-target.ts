// What every command that takes a repository is given: any of its URLs, or "project/repository" with a connection.
import { servicesEquivalentUrl } from '../azure/endpoints.js';
import { organizationUrl, parseAzureUrl, sameDeployment, type AzureLocation, type Deployment, type VersionDescriptor } from '../azure/urls.js';
import type { Connection } from '../connections/connection.js';
import type { ConnectionService } from '../connections/connection-service.js';
import type { ConnectionView } from '../connections/connection-view.js';
import {
  ambiguousConnection,
  argumentInvalid,
  connectionMismatch,
  connectionNeeded,
  noConnection,
  noConnections,
  urlNotRepository,
} from './repository-errors.js';

export interface RepositoryTarget {
  connection: Connection;
  project: string;
  repository: string;
  /** Azure DevOps' id, when the caller has it: reads then go by id, which survives renames. */
  repositoryId?: string;
  /** What the URL pointed at inside the repository: a branch, tag or commit. */
  version?: VersionDescriptor;
  /** A file or folder the URL pointed at, from the root ("/src/app.ts"). */
  path?: string;
  pullRequestId?: number;
}

type RepositoryLocation = Extract<AzureLocation, { repository: string }>;

const LOCATION_KINDS: Record<string, string> = {
  organization: 'an organization',
  project: 'a project',
  build: 'a build',
  buildDefinition: 'a build pipeline',
  workItem: 'a work item',
};

/**
 * Looks like a URL rather than "project/repository": a scheme, scp-like `user@host:path`, or a host name with a
 * path of more than one segment (`dev.azure.com/org/...`, pasted without its scheme).
 */
export function looksLikeUrl(arg: string): boolean {
  const text = arg.trim();
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text) || /^[^@/\s]+@[^:/\s]+:/.test(text)) return true;
  const parts = text.split('/');
  return parts.length > 2 && (parts[0] ?? '').includes('.');
}

/** The place a deployment names, as users read it in messages. */
export function describeDeployment(d: Deployment): string {
  return d.kind === 'services' ? `organization "${d.organization}" (${organizationUrl(d)})` : `collection "${d.collection}" (${organizationUrl(d)})`;
}

function addCommand(d: Deployment): string {
  return `azdo-connect connection add --name NAME --url ${organizationUrl(d)} --pat-file FILE`;
}

/**
 * Reads a repository argument. A URL (HTTPS or SSH clone URL, or the web URL of the repository, a branch, a commit,
 * a file or a pull request) finds its connection by organization or collection; "project/repository" takes
 * `--connection`, or the only connection there is.
 */
export async function resolveRepositoryArgument(
  connections: ConnectionService,
  arg: string,
  o: { connection?: string } = {},
): Promise<RepositoryTarget> {
  if (looksLikeUrl(arg)) {
    const { location, connection } = await locateUrl(connections, arg, o);
    return { connection, ...targetOf(location) };
  }
  const parts = arg.split('/').map((p) => p.trim());
  if (parts.length !== 2 || parts.some((p) => p === '')) throw argumentInvalid();
  const [project, repository] = parts as [string, string];
  return { connection: await connectionByName(connections, o.connection), project, repository };
}

/**
 * Parses an Azure DevOps URL (the simulator's too) and picks the connection to its organization or collection. Only
 * URLs inside a repository are accepted; anything else is AZDO_URL_NOT_REPOSITORY.
 */
export async function locateUrl(
  connections: ConnectionService,
  url: string,
  o: { connection?: string } = {},
): Promise<{ location: RepositoryLocation; connection: Connection }> {
  const all = await connections.listAllConnections();
  const knownServers = all.map((c) => c.deployment).filter((d) => d.kind === 'server');
  const location = parseAzureUrl(servicesEquivalentUrl(url, connections.endpoints, { knownServers }), { knownServers });
  if (!('repository' in location)) throw urlNotRepository(LOCATION_KINDS[location.type] ?? location.type);
  const matches = all.filter((c) => sameDeployment(c.deployment, location.deployment));
  const place = describeDeployment(location.deployment);
  if (o.connection !== undefined) {
    const chosen = await connections.describeConnection(o.connection);
    if (!matches.some((c) => c.id === chosen.id)) throw connectionMismatch(chosen.name, chosen.url, place);
    return { location, connection: await connections.getConnection(chosen.id) };
  }
  if (matches.length === 0) throw noConnection(place, addCommand(location.deployment));
  if (matches.length > 1) throw ambiguousConnection(place, matches.map((c) => c.name));
  return { location, connection: await connections.getConnection(matches[0]!.id) };
}

/** `--connection`, or the workspace's only connection. */
export async function connectionByName(connections: ConnectionService, name: string | undefined): Promise<Connection> {
  if (name !== undefined) return connections.getConnection(name);
  const all: ConnectionView[] = await connections.listAllConnections();
  if (all.length === 1) return connections.getConnection(all[0]!.id);
  if (all.length === 0) throw noConnections();
  throw connectionNeeded(all.map((c) => c.name));
}

function targetOf(location: RepositoryLocation): Omit<RepositoryTarget, 'connection'> {
  // A URL without a project names a repository called like its project (FACTS §1.2).
  const base = { project: location.project ?? location.repository, repository: location.repository };
  switch (location.type) {
    case 'branch':
      return { ...base, version: { type: 'branch', value: location.branch } };
    case 'tag':
      return { ...base, version: { type: 'tag', value: location.tag } };
    case 'commit':
      return { ...base, version: { type: 'commit', value: location.commitId } };
    case 'file':
      return { ...base, path: location.path, ...(location.version ? { version: location.version } : {}) };
    case 'pullRequest':
      return { ...base, pullRequestId: location.pullRequestId };
    default:
      return base;
  }
}

/**
 * A ref as typed on a command line: a full commit id, "refs/heads/x" or "heads/x" (branch), "refs/tags/x" or
 * "tags/x" (tag), and anything else a branch name.
 */
export function parseRefArgument(ref: string): VersionDescriptor {
  const text = ref.trim();
  if (/^[0-9a-f]{40}$/i.test(text)) return { type: 'commit', value: text.toLowerCase() };
  const tag = /^(?:refs\/)?tags\/(.+)$/.exec(text);
  if (tag) return { type: 'tag', value: tag[1]! };
  const branch = /^(?:refs\/)?heads\/(.+)$/.exec(text);
  if (branch) return { type: 'branch', value: branch[1]! };
  return { type: 'branch', value: text };
}
