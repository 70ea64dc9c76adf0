import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { GitRepoError, type GitRefInfo } from '../git/git-repo.js';
import { AdoErrors } from '../http/ado-errors.js';
import type { AdoRouteConfig } from '../http/ado-request.js';

/** What the git read routes share: query parsing the way Azure DevOps binds it, and version descriptors. */

export const CODE_READ: { ado: AdoRouteConfig } = { ado: { scopes: ['vso.code'] } };
/** Listings that depend only on the URL, the caller and the state, answered from the response cache. */
export const CODE_READ_CACHED: { ado: AdoRouteConfig } = { ado: { scopes: ['vso.code'], cache: true } };
export const CODE_WRITE: { ado: AdoRouteConfig } = { ado: { scopes: ['vso.code_write'] } };
/** Changes to repositories themselves (create, rename, disable, delete). */
export const CODE_MANAGE: { ado: AdoRouteConfig } = { ado: { scopes: ['vso.code_manage'] } };

type Handler = (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;

/** Azure DevOps serves the git area both at the organization (`_apis/git/...`) and under a project. */
export function atBothLevels(app: FastifyInstance, method: 'GET' | 'POST' | 'PATCH', path: string, config: { ado: AdoRouteConfig }, handler: Handler): void {
  const wrapped: Handler = async (request, reply) => {
    try {
      return await handler(request, reply);
    } catch (error) {
      throw adoErrorOf(error);
    }
  };
  for (const prefix of ['', '/:project']) app.route({ method, url: `${prefix}${path}`, config, handler: wrapped });
}

export type QueryValue = (name: string) => string | undefined;

/** Reads one query parameter (the first when repeated); names match case-insensitively, as ASP.NET binds them. */
export function queryOf(request: FastifyRequest): QueryValue {
  const query = request.query as Record<string, string | string[] | undefined>;
  const byLower = new Map<string, string>();
  for (const [key, value] of Object.entries(query)) {
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined && !byLower.has(key.toLowerCase())) byLower.set(key.toLowerCase(), first);
  }
  return (name) => byLower.get(name.toLowerCase());
}

export function booleanParam(get: QueryValue, name: string, fallback = false): boolean {
  const raw = get(name);
  if (raw === undefined || raw === '') return fallback;
  if (/^true$/i.test(raw)) return true;
  if (/^false$/i.test(raw)) return false;
  throw AdoErrors.invalidArgumentValue(name, `The value '${raw}' is not valid for ${name}.`);
}

/** Integer parameters bound by ASP.NET: anything but an integer is a 400. */
export function intParam(get: QueryValue, name: string): number | undefined {
  const raw = get(name);
  if (raw === undefined || raw === '') return undefined;
  if (!/^-?\d+$/.test(raw.trim())) throw AdoErrors.invalidArgumentValue(name, `The value '${raw}' is not valid for ${name}.`);
  return Number(raw);
}

/** Parses a .NET enum the way Enum.TryParse does: a member name in any case, or its number. */
export function enumParam<T extends string>(raw: string, name: string, members: Record<T, number>, listed: string[] = Object.keys(members)): T {
  const value = raw.split(',')[0]!.trim();
  for (const [member, number] of Object.entries(members) as Array<[T, number]>) {
    if (member.toLowerCase() === value.toLowerCase() || String(number) === value) return member;
  }
  throw AdoErrors.badRequest(`${value} is not a valid value for ${name}. Try one of: ${listed.join(',')}`);
}

export const SHA1 = /^[0-9a-f]{40}$/i;

export function checkObjectId(id: unknown): string {
  if (typeof id !== 'string' || !SHA1.test(id)) {
    throw AdoErrors.badRequest(`An object ID must be 40 characters long and only have hex digits. Passed in object ID: ${String(id)}.`);
  }
  return id.toLowerCase();
}

export type VersionType = 'branch' | 'tag' | 'commit';
export type VersionOptions = 'none' | 'previousChange' | 'firstParent';

export interface VersionDescriptor {
  version?: string;
  versionType: VersionType;
  versionOptions: VersionOptions;
}

const VERSION_TYPES: Record<VersionType, number> = { branch: 0, tag: 1, commit: 2 };
const VERSION_OPTIONS: Record<VersionOptions, number> = { none: 0, previousChange: 1, firstParent: 2 };
// Azure DevOps lists the options' names even when the version type is wrong; kept as it answers.
const OPTION_NAMES = ['None', 'PreviousChange', 'FirstParent'];

/**
 * A version descriptor from the query (`versionDescriptor.version`, or plain `version`) or from a JSON body, where
 * clients send the enums as names or numbers. Undefined when none of its fields is present.
 */
export function versionDescriptorOf(source: QueryValue | Record<string, unknown> | undefined, prefixes: string[] = ['']): VersionDescriptor | undefined {
  if (source === undefined || source === null) return undefined;
  const read = (field: string): string | undefined => {
    if (typeof source === 'function') {
      for (const prefix of prefixes) {
        const value = source(`${prefix}${field}`);
        if (value !== undefined) return value;
      }
      return undefined;
    }
    const value = source[field];
    return value === undefined || value === null ? undefined : String(value);
  };
  const version = read('version');
  const type = read('versionType');
  const options = read('versionOptions');
  if (version === undefined && type === undefined && options === undefined) return undefined;
  const d: VersionDescriptor = {
    ...(version ? { version: version.split(',')[0]! } : {}),
    versionType: type ? enumParam(type, 'versionType', VERSION_TYPES, OPTION_NAMES) : 'branch',
    versionOptions: options ? enumParam(options, 'versionOptions', VERSION_OPTIONS, OPTION_NAMES) : 'none',
  };
  if (d.versionType !== 'branch' && !d.version) throw AdoErrors.badRequest('Ambiguous values for version');
  return d;
}

/** How Azure DevOps prints a descriptor in its messages: `<Branch: main >`. */
export function describeVersion(d: VersionDescriptor): string {
  const type = d.versionType[0]!.toUpperCase() + d.versionType.slice(1);
  const options = d.versionOptions === 'none' ? '' : d.versionOptions[0]!.toUpperCase() + d.versionOptions.slice(1);
  return `<${type}: ${d.version ?? ''} ${options}>`;
}

export interface ResolvedVersion {
  commitId: string;
  /** The descriptor actually used: a missing branch name is filled with the default branch. */
  descriptor: VersionDescriptor;
}

/**
 * Resolves a descriptor against the repository's (cached) refs without starting git, except to check that a
 * commit id exists. Branch and tag names are short ("main", not "refs/heads/main"), as Azure DevOps expects: a full
 * name fails with TF401175 there too. Undefined when a branch is asked for and the repository has no branches.
 */
export async function resolveVersion(
  refs: GitRefInfo[],
  defaultBranch: string | undefined,
  repositoryName: string,
  d: VersionDescriptor,
  commitExists: (id: string) => Promise<boolean>,
): Promise<ResolvedVersion | undefined> {
  if (d.versionType === 'commit') {
    if (!SHA1.test(d.version ?? '')) throw AdoErrors.badRequest(`Invalid version specifier "${d.version ?? ''}".`);
    const id = d.version!.toLowerCase();
    if (!(await commitExists(id))) throw AdoErrors.gitCommitNotFound(id);
    return { commitId: id, descriptor: d };
  }
  if (d.versionType === 'branch' && !d.version) {
    const branch = refs.find((r) => r.name === defaultBranch) ?? refs.find((r) => r.name.startsWith('refs/heads/'));
    if (!branch) return undefined;
    return { commitId: branch.objectId, descriptor: { ...d, version: branch.name.slice('refs/heads/'.length) } };
  }
  const full = `${d.versionType === 'branch' ? 'refs/heads/' : 'refs/tags/'}${d.version}`;
  const ref = refs.find((r) => r.name === full) ?? refs.find((r) => r.name.toLowerCase() === full.toLowerCase());
  if (!ref) throw AdoErrors.gitVersionNotFound(describeVersion(d), repositoryName);
  return { commitId: ref.peeledObjectId ?? ref.objectId, descriptor: d };
}

export function parseDate(raw: string | undefined, which: 'From' | 'To'): Date | undefined {
  if (raw === undefined || raw === '') return undefined;
  const t = Date.parse(raw);
  if (Number.isNaN(t)) throw AdoErrors.badRequest(`Invalid date format for "${which}" date. Enter date format like '6/14/2018 12:00:00 AM'.`);
  return new Date(t);
}

/** Maps the git layer's refusals of caller input to the errors Azure DevOps gives for them. */
export function adoErrorOf(error: unknown): unknown {
  if (!(error instanceof GitRepoError)) return error;
  if (error.code === 'refNotFound') return AdoErrors.badRequest(`Invalid version specifier: ${error.message}`);
  return AdoErrors.badRequest(error.message);
}
