import {
  classifyHost,
  guessServerPrefix,
  matchKnownServer,
  organizationName,
  serverDeployment,
  type HostKind,
} from './deployment.js';
import { decodeSegment, equalsIgnoreCase } from './encoding.js';
import type { RawUrl } from './raw-url.js';
import { isLimitedRefsView, isRouteStart, parseRoute, repositoryName } from './routes.js';
import type { AzureLocation, Deployment, ParseAzureUrlOptions } from './types.js';
import { invalidUrl } from './url-errors.js';

const V3_HINT = 'Azure DevOps SSH URLs look like git@ssh.dev.azure.com:v3/{organization}/{project}/{repository}.';
const SERVER_HINT = 'Azure DevOps Server SSH URLs look like ssh://{host}:22/{collection}/{project}/_git/{repository}.';

/** SSH URLs only ever name a repository. */
export function parseSshUrl(raw: RawUrl, options: ParseAzureUrlOptions): AzureLocation {
  const host: HostKind = classifyHost(raw.host);
  switch (host.kind) {
    case 'ssh-services':
      requirePort22(raw);
      if (equalsIgnoreCase(raw.segments[0], 'v3')) return parseV3(raw, host.legacy);
      if (host.legacy && hasGitRoute(raw.segments)) {
        // `ssh://{org}@vs-ssh.visualstudio.com:22/{project}/_ssh/{repo}`: the organization is the user name.
        if (raw.user === undefined || equalsIgnoreCase(raw.user, 'git')) {
          throw invalidUrl(
            'This legacy SSH URL does not say which organization it belongs to.',
            `Write the organization as the user (ssh://{organization}@vs-ssh.visualstudio.com:22/{project}/_ssh/{repository}), or use the current form. ${V3_HINT}`,
          );
        }
        const organization = organizationName(raw.user, true);
        return sshRepository({ kind: 'services', organization, host: 'visualstudio.com' }, dropDefaultCollection(raw.segments), raw);
      }
      throw invalidUrl('The SSH URL is missing "v3/" after the host.', V3_HINT);
    case 'legacy':
      requirePort22(raw);
      return sshRepository(
        { kind: 'services', organization: host.organization, host: 'visualstudio.com' },
        dropDefaultCollection(raw.segments),
        raw,
      );
    case 'dev-azure':
      throw invalidUrl('Azure DevOps Services serves SSH at ssh.dev.azure.com, not at this host.', V3_HINT);
    case 'server': {
      const known = matchKnownServer(raw, options.knownServers);
      if (known) return sshRepository(known.deployment, known.rest, raw);
      const routeAt = raw.segments.findIndex((_, i) => isRouteStart(raw.segments, i));
      if (!hasGitRoute(raw.segments)) throw invalidUrl('The SSH URL does not name a repository.', SERVER_HINT);
      const guess = guessServerPrefix(raw.segments.slice(0, routeAt), true);
      const deployment = serverDeployment(raw, guess.virtualDirectory, guess.collection);
      return sshRepository(deployment, [...guess.after, ...raw.segments.slice(routeAt)], raw);
    }
  }
}

function requirePort22(raw: RawUrl): void {
  if (raw.port !== undefined && raw.port !== 22) {
    throw invalidUrl(
      'Azure DevOps Services accepts SSH on port 22 only.',
      `Remove the port or use :22. ${V3_HINT}`,
    );
  }
}

function hasGitRoute(segments: readonly string[]): boolean {
  return segments.some((s) => equalsIgnoreCase(s, '_git') || equalsIgnoreCase(s, '_ssh'));
}

function dropDefaultCollection(segments: readonly string[]): string[] {
  return equalsIgnoreCase(segments[0], 'DefaultCollection') ? segments.slice(1) : [...segments];
}

/** `v3/{org}/{project}[/_optimized|_full]/{repo}`: always all three names. */
function parseV3(raw: RawUrl, legacy: boolean): AzureLocation {
  const [, org, project, ...tail] = raw.segments;
  const repo = tail.length === 2 && isLimitedRefsView(tail[0]) ? tail[1] : tail.length === 1 ? tail[0] : undefined;
  if (org === undefined || project === undefined || repo === undefined || project.startsWith('_')) {
    throw invalidUrl('The SSH URL must name the organization, project and repository after "v3/".', V3_HINT);
  }
  return {
    type: 'repository',
    deployment: { kind: 'services', organization: organizationName(org), host: legacy ? 'visualstudio.com' : 'dev.azure.com' },
    project: decodeSegment(project, 'project name'),
    repository: repositoryName(repo),
    transport: 'ssh',
  };
}

/** `[project [team]] (_git|_ssh) [_optimized|_full] {repo}` after the deployment, and nothing more. */
function sshRepository(deployment: Deployment, rest: readonly string[], raw: RawUrl): AzureLocation {
  const route = rest.findIndex((s) => equalsIgnoreCase(s, '_git') || equalsIgnoreCase(s, '_ssh'));
  const tail = route >= 0 ? rest.slice(route + 1) : [];
  const repoCount = isLimitedRefsView(tail[0]) ? 2 : 1;
  if (route < 0 || tail.length > repoCount) {
    throw invalidUrl('The SSH URL does not end in a repository.', deployment.kind === 'server' ? SERVER_HINT : V3_HINT);
  }
  const asWeb = rest.map((s, i) => (i === route ? '_git' : s));
  const location = parseRoute(deployment, asWeb, new Map());
  if (location.type !== 'repository') {
    throw invalidUrl('The SSH URL does not end in a repository.', deployment.kind === 'server' ? SERVER_HINT : V3_HINT);
  }
  const sshPort = deployment.kind === 'server' && raw.port !== undefined && raw.port !== 22 ? raw.port : undefined;
  return { ...location, transport: 'ssh', ...(sshPort === undefined ? {} : { sshPort }) };
}
