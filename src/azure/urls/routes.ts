import { decodeQueryValue, decodeSegment, equalsIgnoreCase } from './encoding.js';
import type { AzureLocation, Deployment, RepositoryRef, VersionDescriptor } from './types.js';
import { invalidUrl, quote } from './url-errors.js';

/** Route segments start with "_" (`_git`, `_build`, `_apis`); names that do are escaped as `%5F` when we format. */
export function isRouteStart(segments: readonly string[], i: number): boolean {
  const segment = segments[i];
  if (segment === undefined) return false;
  return segment.startsWith('_') || (equalsIgnoreCase(segment, 'web') && equalsIgnoreCase(segments[i + 1], 'wi.aspx'));
}

export function isLimitedRefsView(segment: string | undefined): boolean {
  return equalsIgnoreCase(segment, '_optimized') || equalsIgnoreCase(segment, '_full');
}

const MAX_ID = 2_147_483_647; // Azure DevOps ids are 32-bit.

/** `echo` is false for ids read from the query string, which we never repeat back (see quote()). */
function positiveId(raw: string | undefined, what: string, hint: string, echo: boolean): number {
  const text = raw ?? '';
  const id = /^[1-9]\d{0,9}$/.test(text) ? Number(text) : NaN;
  if (id <= MAX_ID) return id;
  if (raw === undefined || raw === '') throw invalidUrl(`The URL is missing the ${what}.`, hint);
  throw invalidUrl(`The ${what}${echo ? ` ${quote(text)}` : ''} is not a positive whole number.`, hint);
}

function queryId(params: ReadonlyMap<string, string>, name: string, what: string, hint: string): number {
  const raw = params.get(name.toLowerCase());
  return positiveId(raw === undefined ? undefined : decodeQueryValue(raw, name), what, hint, false);
}

function commitId(raw: string, echo: boolean): string {
  if (/^[0-9a-f]{4,40}$/i.test(raw)) return raw.toLowerCase();
  throw invalidUrl(
    `The commit id${echo ? ` ${quote(raw)}` : ''} is not a hexadecimal commit SHA.`,
    'Commit URLs end in /commit/{sha}, e.g. https://dev.azure.com/{organization}/{project}/_git/{repository}/commit/{40 hex digits}.',
  );
}

/**
 * Reads what follows the deployment: `[project [team]] [route ...]`. Pages we do not model (boards, wiki,
 * settings, REST `_apis`) still give the project or organization, so any page a user copies is good enough.
 */
export function parseRoute(deployment: Deployment, rest: readonly string[], params: ReadonlyMap<string, string>): AzureLocation {
  let i = 0;
  let project: string | undefined;
  if (rest.length > 0 && !isRouteStart(rest, 0)) {
    project = decodeSegment(rest[0] ?? '', 'project name');
    i = 1;
    if (i < rest.length && !isRouteStart(rest, 1)) {
      // A team between project and route: `/{project}/{team}/_backlogs`, old TFS `/{project}/{team}/_git/{repo}`.
      if (!isRouteStart(rest, 2)) {
        throw invalidUrl(
          `The URL has an unexpected segment ${quote(rest[1] ?? '')} after the project.`,
          'Expected .../{project}, .../{project}/_git/{repository} or another Azure DevOps page of the project.',
        );
      }
      i = 2;
    }
  }
  const scope: AzureLocation =
    project === undefined ? { type: 'organization', deployment } : { type: 'project', deployment, project };
  const route = rest[i]?.toLowerCase();
  const args = rest.slice(i + 1);
  switch (route) {
    case undefined:
      return scope;
    case '_git':
      return parseGitRoute(project === undefined ? { deployment } : { deployment, project }, args, params);
    case '_build':
      return parseBuildRoute(deployment, project, args, params) ?? scope;
    case '_workitems':
      if (!equalsIgnoreCase(args[0], 'edit')) return scope;
      return workItem(deployment, project, positiveId(args[1], 'work item id', WORK_ITEM_HINT, true));
    case 'web':
      return workItem(deployment, project, queryId(params, 'id', 'work item id', WORK_ITEM_HINT));
    default:
      return scope;
  }
}

const WORK_ITEM_HINT = 'Work item URLs end in /_workitems/edit/{id}, e.g. https://dev.azure.com/{organization}/{project}/_workitems/edit/42.';
const BUILD_HINT = 'Build URLs look like https://dev.azure.com/{organization}/{project}/_build/results?buildId={id}.';
const DEFINITION_HINT = 'Pipeline URLs look like https://dev.azure.com/{organization}/{project}/_build/definition?definitionId={id}.';

function workItem(deployment: Deployment, project: string | undefined, workItemId: number): AzureLocation {
  return project === undefined ? { type: 'workItem', deployment, workItemId } : { type: 'workItem', deployment, project, workItemId };
}

function parseBuildRoute(
  deployment: Deployment,
  project: string | undefined,
  args: readonly string[],
  params: ReadonlyMap<string, string>,
): AzureLocation | undefined {
  const page = args[0]?.toLowerCase();
  const wantsBuild = params.has('buildid') || page === 'results';
  const wantsDefinition = !wantsBuild && (params.has('definitionid') || page === 'definition');
  if (!wantsBuild && !wantsDefinition) return undefined;
  if (project === undefined) {
    throw invalidUrl('The build URL does not name a project.', wantsBuild ? BUILD_HINT : DEFINITION_HINT);
  }
  if (wantsBuild) return { type: 'build', deployment, project, buildId: queryId(params, 'buildId', 'build id', BUILD_HINT) };
  return {
    type: 'buildDefinition',
    deployment,
    project,
    definitionId: queryId(params, 'definitionId', 'pipeline definition id', DEFINITION_HINT),
  };
}

/** Reads `{repo}[/pullrequest/{id} | /commit/{sha}]` and the `version`/`path` query after `_git`. */
function parseGitRoute(base: Omit<RepositoryRef, 'repository'>, args: readonly string[], params: ReadonlyMap<string, string>): AzureLocation {
  const j = isLimitedRefsView(args[0]) ? 1 : 0;
  const ref: RepositoryRef = { ...base, repository: repositoryName(args[j]) };
  const page = args[j + 1]?.toLowerCase();
  if (page === 'pullrequest') {
    const hint = 'Pull request URLs end in /pullrequest/{id}, e.g. https://dev.azure.com/{organization}/{project}/_git/{repository}/pullrequest/12.';
    return { type: 'pullRequest', ...ref, pullRequestId: positiveId(args[j + 2], 'pull request id', hint, true) };
  }
  if (page === 'commit') {
    const raw = args[j + 2];
    if (raw === undefined) return { type: 'repository', ...ref, transport: 'https' };
    return { type: 'commit', ...ref, commitId: commitId(raw, true) };
  }
  // Other repository pages (pullrequests, branches, git's own info/refs) still name the repository.
  if (page !== undefined) return { type: 'repository', ...ref, transport: 'https' };
  return fromQuery(ref, params);
}

/** The repository segment after `_git`, with a client-side `.git` suffix removed (Azure DevOps answers TF401019 to it). */
export function repositoryName(raw: string | undefined): string {
  const name = (raw ?? '').replace(/\.git$/i, '');
  if (name === '' || name.startsWith('_')) {
    throw invalidUrl(
      'The URL does not name a repository after "_git".',
      'Repository URLs look like https://dev.azure.com/{organization}/{project}/_git/{repository}.',
    );
  }
  return decodeSegment(name, 'repository name');
}

function fromQuery(ref: RepositoryRef, params: ReadonlyMap<string, string>): AzureLocation {
  const rawVersion = params.get('version');
  const version = rawVersion === undefined || rawVersion === '' ? undefined : versionOf(decodeQueryValue(rawVersion, 'version'));
  const rawPath = params.get('path');
  if (rawPath !== undefined && rawPath !== '') {
    const decoded = decodeQueryValue(rawPath, 'path');
    const path = decoded.startsWith('/') ? decoded : `/${decoded}`;
    // The line only positions the view, so an odd value is dropped rather than failing the whole URL.
    const rawLine = params.get('line') ?? '';
    const line = /^[1-9]\d{0,8}$/.test(rawLine) ? Number(rawLine) : undefined;
    return { type: 'file', ...ref, path, ...(version ? { version } : {}), ...(line === undefined ? {} : { line }) };
  }
  switch (version?.type) {
    case 'branch':
      return { type: 'branch', ...ref, branch: version.value };
    case 'tag':
      return { type: 'tag', ...ref, tag: version.value };
    case 'commit':
      return { type: 'commit', ...ref, commitId: version.value };
    default:
      return { type: 'repository', ...ref, transport: 'https' };
  }
}

/** `GB{branch}`, `GT{tag}`, `GC{sha}`: the web UI's version descriptors. */
function versionOf(text: string): VersionDescriptor {
  const prefix = text.slice(0, 2).toUpperCase();
  const value = text.slice(2);
  const type = prefix === 'GB' ? 'branch' : prefix === 'GT' ? 'tag' : prefix === 'GC' ? 'commit' : undefined;
  if (type === undefined || value === '') {
    throw invalidUrl(
      'The URL\'s "version" parameter is not a branch, tag or commit.',
      'Versions look like version=GB{branch}, version=GT{tag} or version=GC{commit sha}.',
    );
  }
  return { type, value: type === 'commit' ? commitId(value, false) : value };
}
