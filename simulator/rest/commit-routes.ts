import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { GitCommitInfo } from '../git/git-repo.js';
import { AdoErrors } from '../http/ado-errors.js';
import { sendJson, type AdoRequest } from '../http/ado-request.js';
import type { SimulatorContext } from '../runtime/context.js';
import type { RepositoryMatch } from '../state/lookup.js';
import type { Project, Repository } from '../state/model.js';
import { changesOf, countChanges } from './commit-changes.js';
import { commitJson, repositoryApiUrl, repositoryWebUrl } from './git-shapes.js';
import {
  atBothLevels,
  booleanParam,
  CODE_READ,
  intParam,
  parseDate,
  queryOf,
  resolveVersion,
  SHA1,
  versionDescriptorOf,
  type QueryValue,
  type VersionDescriptor,
} from './git-query.js';
import { repositoryInScope } from './repository-scope.js';
import { identityReference } from './shapes.js';

/** GitQueryCommitsCriteria, read from the query string (GET) or the body (commitsbatch). */
interface CommitCriteria {
  ids?: string[];
  itemVersion?: VersionDescriptor;
  compareVersion?: VersionDescriptor;
  author?: string;
  fromDate?: Date;
  toDate?: Date;
  itemPath?: string;
  fromCommitId?: string;
  toCommitId?: string;
  oldestFirst: boolean;
  includeLinks: boolean;
  skip?: number;
  top?: number;
}

function checkIds(ids: unknown[]): string[] {
  return ids.map((id) => {
    if (typeof id !== 'string' || !SHA1.test(id.trim())) {
      throw AdoErrors.badRequest(`An object ID must be 40 characters long and only have hex digits. Passed in object ID: ${String(id)}.`);
    }
    return id.trim().toLowerCase();
  });
}

function searchObjectId(raw: string | undefined): string | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (!/^[0-9a-f]{4,40}$/i.test(raw)) throw AdoErrors.badRequest(`Invalid version specifier "${raw}".`);
  return raw.toLowerCase();
}

/** Each criterion may come as `searchCriteria.x` or plain `x`; `$top`/`$skip` without the prefix win. */
function criteriaFromQuery(get: QueryValue): CommitCriteria {
  const sc = (name: string): string | undefined => get(`searchCriteria.${name}`) ?? get(name);
  const lenientInt = (raw: string | undefined) => (raw !== undefined && /^-?\d+$/.test(raw) ? Number(raw) : undefined);
  const ids = sc('ids');
  return {
    ...(ids ? { ids: checkIds(ids.split(',')) } : {}),
    itemVersion: versionDescriptorOf(get, ['searchCriteria.itemVersion.', 'itemVersion.']),
    compareVersion: versionDescriptorOf(get, ['searchCriteria.compareVersion.', 'compareVersion.']),
    author: sc('author') || undefined,
    fromDate: parseDate(sc('fromDate'), 'From'),
    toDate: parseDate(sc('toDate'), 'To'),
    itemPath: sc('itemPath'),
    fromCommitId: searchObjectId(sc('fromCommitId')),
    toCommitId: searchObjectId(sc('toCommitId')),
    oldestFirst: booleanParam(sc, 'showOldestCommitsFirst'),
    includeLinks: booleanParam(sc, 'includeLinks'),
    skip: intParam(get, '$skip') ?? lenientInt(get('searchCriteria.$skip')),
    top: intParam(get, '$top') ?? lenientInt(get('searchCriteria.$top')),
  };
}

function criteriaFromBody(body: unknown, get: QueryValue): CommitCriteria {
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const str = (name: string) => (typeof b[name] === 'string' && b[name] !== '' ? (b[name] as string) : undefined);
  const int = (name: string) => (typeof b[name] === 'number' ? (b[name] as number) : undefined);
  if (b['ids'] !== undefined && b['ids'] !== null && !Array.isArray(b['ids'])) throw AdoErrors.badRequest('ids must be a list of commit ids.');
  const ids = Array.isArray(b['ids']) && b['ids'].length > 0 ? checkIds(b['ids']) : undefined;
  return {
    ...(ids ? { ids } : {}),
    itemVersion: versionDescriptorOf(b['itemVersion'] as Record<string, unknown> | undefined),
    compareVersion: versionDescriptorOf(b['compareVersion'] as Record<string, unknown> | undefined),
    author: str('author'),
    fromDate: parseDate(str('fromDate'), 'From'),
    toDate: parseDate(str('toDate'), 'To'),
    itemPath: str('itemPath'),
    fromCommitId: searchObjectId(str('fromCommitId')),
    toCommitId: searchObjectId(str('toCommitId')),
    oldestFirst: b['showOldestCommitsFirst'] === true,
    includeLinks: b['includeLinks'] === true,
    skip: intParam(get, '$skip') ?? int('$skip'),
    top: intParam(get, '$top') ?? int('$top'),
  };
}

function commitLinks(ado: AdoRequest, project: Project, repository: Repository, commit: GitCommitInfo, o: { tree?: boolean } = {}) {
  const self = `${repositoryApiUrl(ado, repository)}/commits/${commit.commitId}`;
  return {
    self: { href: self },
    repository: { href: repositoryApiUrl(ado, repository) },
    changes: { href: `${self}/changes` },
    web: { href: `${repositoryWebUrl(ado, project, repository)}/commit/${commit.commitId}` },
    ...(o.tree ? { tree: { href: `${repositoryApiUrl(ado, repository)}/trees/${commit.treeId}` } } : {}),
  };
}

/** Reorders commits the way the caller listed them (git sorts --no-walk output by date). */
function inOrder(commits: GitCommitInfo[], ids: string[]): GitCommitInfo[] {
  const byId = new Map(commits.map((c) => [c.commitId, c]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}

export async function commitRoutes(app: FastifyInstance, ctx: SimulatorContext): Promise<void> {
  const BASE = '/_apis/git/repositories/:repositoryId';

  const query = async (request: FastifyRequest, reply: FastifyReply, match: RepositoryMatch, c: CommitCriteria) => {
    const { ado } = request;
    const { project, repository } = match;
    const git = ctx.repos.git(repository);
    if (c.ids) {
      for (const [name, value] of Object.entries({ itemVersion: c.itemVersion, compareVersion: c.compareVersion, author: c.author, fromDate: c.fromDate, toDate: c.toDate, itemPath: c.itemPath, fromCommitId: c.fromCommitId, toCommitId: c.toCommitId })) {
        if (value !== undefined) throw AdoErrors.badRequest(`The ${name} criterion cannot be combined with ids.`);
      }
      const commits = inOrder((await git.log({ ids: c.ids })).commits, c.ids);
      return sendJson(reply, { count: commits.length, value: commits.map((commit) => commitJson(ado, project, repository, commit)) });
    }

    const skip = Math.max(0, c.skip ?? 0);
    const top = Math.max(0, c.top ?? ctx.settings.pageSize);
    const [refs, summary] = await Promise.all([ctx.repos.refs(repository), ctx.repos.summary(repository)]);
    const exists = async (id: string) => (await git.getCommit(id)) !== undefined;
    const item = await resolveVersion(refs, summary.defaultBranch, repository.name, c.itemVersion ?? { versionType: 'branch', versionOptions: 'none' }, exists);
    // A repository without branches has no history: an empty list unless a branch was named.
    if (!item) {
      if (c.itemVersion) throw AdoErrors.badRequest(`VS403403: Cannot find any branches for the ${repository.name} repository.`);
      return sendJson(reply, { count: 0, value: [] });
    }
    const compare = c.compareVersion ? await resolveVersion(refs, summary.defaultBranch, repository.name, c.compareVersion, exists) : undefined;
    for (const id of [c.fromCommitId, c.toCommitId]) {
      if (id !== undefined && (await git.resolve(id)) === undefined) throw AdoErrors.gitCommitNotFound(id);
    }
    const itemPath = c.itemPath === undefined || c.itemPath === '' || c.itemPath === '/' ? undefined : c.itemPath;
    const { commits } = await git.log({
      ref: item.commitId,
      skip,
      top,
      ...(c.author ? { author: c.author } : {}),
      ...(c.fromDate ? { fromDate: c.fromDate } : {}),
      ...(c.toDate ? { toDate: c.toDate } : {}),
      ...(itemPath ? { itemPath } : {}),
      // Commits of itemVersion that are not in compareVersion: compareVersion's history is excluded like fromCommitId's.
      ...(compare ? { fromCommitId: compare.commitId } : c.fromCommitId ? { fromCommitId: c.fromCommitId } : {}),
      ...(c.toCommitId ? { toCommitId: c.toCommitId } : {}),
      oldestFirst: c.oldestFirst,
    });
    const changes = await changesOf(git, commits.map((commit) => commit.commitId));
    const value = commits.map((commit) => ({
      ...commitJson(ado, project, repository, commit, { changeCounts: countChanges(changes.get(commit.commitId) ?? []) }),
      ...(c.includeLinks ? { _links: commitLinks(ado, project, repository, commit) } : {}),
    }));
    reply.header('link', `<${item.commitId}>;rel="startingCommitId"`);
    return sendJson(reply, { count: value.length, value });
  };

  atBothLevels(app, 'GET', `${BASE}/commits`, CODE_READ, async (request, reply) => {
    const { repositoryId } = request.params as { repositoryId: string };
    const get = queryOf(request);
    const pushId = intParam(get, 'pushId');
    if (pushId === undefined) {
      const criteria = criteriaFromQuery(get);
      return query(request, reply, repositoryInScope(request, repositoryId), criteria);
    }
    // The same URL with pushId lists the commits a push brought in ("Get Push Commits").
    const { project, repository } = repositoryInScope(request, repositoryId);
    const top = Math.max(0, Math.min(intParam(get, 'top') ?? 100, 1000));
    const skip = Math.max(0, intParam(get, 'skip') ?? 0);
    const links = booleanParam(get, 'includeLinks', true);
    const ids = (repository.pushes.find((p) => p.pushId === pushId)?.commitIds ?? []).slice(skip, skip + top);
    const commits = ids.length === 0 ? [] : inOrder((await ctx.repos.git(repository).log({ ids })).commits, ids);
    const value = commits.map((commit) => ({
      ...commitJson(request.ado, project, repository, commit),
      ...(links ? { _links: commitLinks(request.ado, project, repository, commit) } : {}),
    }));
    return sendJson(reply, { count: value.length, value });
  });

  atBothLevels(app, 'POST', `${BASE}/commitsbatch`, CODE_READ, async (request, reply) => {
    const { repositoryId } = request.params as { repositoryId: string };
    const get = queryOf(request);
    booleanParam(get, 'includeStatuses');
    const criteria = criteriaFromBody(request.body, get);
    return query(request, reply, repositoryInScope(request, repositoryId), criteria);
  });

  atBothLevels(app, 'GET', `${BASE}/commits/:commitId`, CODE_READ, async (request, reply) => {
    const { ado } = request;
    const { repositoryId, commitId } = request.params as { repositoryId: string; commitId: string };
    const changeCount = Math.max(0, intParam(queryOf(request), 'changeCount') ?? 0);
    if (!SHA1.test(commitId)) {
      throw AdoErrors.badRequest(`An object ID must be 40 characters long and only have hex digits. Passed in object ID: ${commitId}.`);
    }
    const { project, repository } = repositoryInScope(request, repositoryId);
    const git = ctx.repos.git(repository);
    const commit = await git.getCommit(commitId.toLowerCase());
    if (!commit) throw AdoErrors.gitCommitNotFound(commitId);
    const push = repository.pushes.find((p) => p.commitIds.includes(commit.commitId));
    const changes = changeCount > 0 ? (await changesOf(git, [commit.commitId])).get(commit.commitId)! : undefined;
    const itemsUrl = `${repositoryApiUrl(ado, repository)}/items`;
    return sendJson(reply, {
      parents: commit.parents,
      treeId: commit.treeId,
      ...(push
        ? { push: { pushedBy: identityReference(ctx.store.state, ado, push.pushedById), pushId: push.pushId, date: push.date } }
        : {}),
      ...commitJson(ado, project, repository, commit, { truncateAt: Infinity, ...(changes ? { changeCounts: countChanges(changes) } : {}) }),
      ...(changes
        ? {
            changes: changes.slice(0, changeCount).map((change) => ({
              item: {
                objectId: change.objectId,
                ...(change.originalObjectId ? { originalObjectId: change.originalObjectId } : {}),
                gitObjectType: change.gitObjectType,
                commitId: commit.commitId,
                path: change.path,
                ...(change.gitObjectType === 'tree' ? { isFolder: true } : {}),
                url: `${itemsUrl}${change.path.split('/').map(encodeURIComponent).join('/')}?versionType=Commit&version=${commit.commitId}`,
              },
              changeType: change.changeType,
            })),
          }
        : {}),
      _links: commitLinks(ado, project, repository, commit, { tree: true }),
    });
  });
}
