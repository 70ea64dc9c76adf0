import { AzdoError } from '../../errors/azdo-error.js';
import {
  classifyHost,
  guessServerPrefix,
  matchKnownServer,
  missingOrganization,
  organizationName,
  serverDeployment,
} from './deployment.js';
import { decodeQueryValue, equalsIgnoreCase } from './encoding.js';
import { splitUrl, type RawUrl } from './raw-url.js';
import { isRouteStart, parseRoute } from './routes.js';
import { parseSshUrl } from './ssh-url.js';
import type { AzureLocation, Deployment, ParseAzureUrlOptions } from './types.js';
import { EXPECTED_FORMS, invalidUrl } from './url-errors.js';

/**
 * Reads any Azure DevOps URL a user may paste: organization or collection URLs, HTTPS and SSH clone URLs, and web
 * pages (pull request, commit, branch, file, build, work item). Throws only `AzdoError` with code
 * `AZDO_URL_INVALID` (the text is not a usable URL) or `AZDO_URL_UNSUPPORTED` (a URL, but not Azure DevOps).
 */
export function parseAzureUrl(input: string, options: ParseAzureUrlOptions = {}): AzureLocation {
  try {
    if (typeof input !== 'string') throw invalidUrl('The URL is not text.', EXPECTED_FORMS);
    const raw = splitUrl(input);
    return raw.scheme === 'ssh' ? parseSshUrl(raw, options) : parseWebUrl(raw, options);
  } catch (error) {
    if (error instanceof AzdoError) throw error;
    // A bug of ours must not surface as a TypeError in a form field. The original message is not kept: it could
    // quote the input, and the input may hold a token. The property tests make sure this line is never reached.
    throw invalidUrl('This URL could not be read.', EXPECTED_FORMS);
  }
}

export function tryParseAzureUrl(input: string, options: ParseAzureUrlOptions = {}): AzureLocation | undefined {
  try {
    return parseAzureUrl(input, options);
  } catch {
    return undefined;
  }
}

function parseWebUrl(raw: RawUrl, options: ParseAzureUrlOptions): AzureLocation {
  const host = classifyHost(raw.host);
  const segments = raw.segments;
  switch (host.kind) {
    case 'ssh-services':
      throw invalidUrl(
        'This host only serves SSH; it has no web pages or HTTPS clone URLs.',
        'Use git@ssh.dev.azure.com:v3/{organization}/{project}/{repository} for SSH, or https://dev.azure.com/{organization}/... for the web.',
      );
    case 'dev-azure': {
      const first = segments[0];
      if (first === undefined || first.startsWith('_')) return organizationFromQuery(raw);
      const deployment: Deployment = { kind: 'services', organization: organizationName(first), host: 'dev.azure.com' };
      return parseRoute(deployment, withoutDefaultCollection(segments.slice(1)), raw.params);
    }
    case 'legacy': {
      const deployment: Deployment = { kind: 'services', organization: host.organization, host: 'visualstudio.com' };
      return parseRoute(deployment, withoutDefaultCollection(segments), raw.params);
    }
    case 'server': {
      const known = matchKnownServer(raw, options.knownServers);
      if (known) return parseRoute(known.deployment, known.rest, raw.params);
      const routeAt = segments.findIndex((_, i) => isRouteStart(segments, i));
      const prefix = routeAt >= 0 ? segments.slice(0, routeAt) : segments;
      const guess = guessServerPrefix(prefix, routeAt >= 0);
      const deployment = serverDeployment(raw, guess.virtualDirectory, guess.collection);
      return parseRoute(deployment, [...guess.after, ...(routeAt >= 0 ? segments.slice(routeAt) : [])], raw.params);
    }
  }
}

/** `DefaultCollection` after a Services organization is the collection every organization has, not a project. */
function withoutDefaultCollection(segments: readonly string[]): string[] {
  return equalsIgnoreCase(segments[0], 'DefaultCollection') ? segments.slice(1) : [...segments];
}

/** dev.azure.com URLs without an organization in the path, like the resource-areas lookup, may carry `accountName`. */
function organizationFromQuery(raw: RawUrl): AzureLocation {
  const accountName = raw.params.get('accountname');
  const organization = accountName === undefined ? '' : decodeQueryValue(accountName, 'accountName');
  if (organization === '' || organization.startsWith('_')) throw missingOrganization();
  return { type: 'organization', deployment: { kind: 'services', organization, host: 'dev.azure.com' } };
}
