import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ZERO_ID, type GitChange, type GitCommitInfo, type GitIdentity } from '../git/git-repo.js';
import { AdoErrors } from '../http/ado-errors.js';
import { sendJson, type AdoRequest } from '../http/ado-request.js';
import type { SimulatorContext } from '../runtime/context.js';
import { createPush, type CreatePushInput, type PushCommitInput } from '../services/pushes.js';
import type { Project, Push, Repository } from '../state/model.js';
import { commitJson, repositoryApiUrl, repositoryJson } from './git-shapes.js';
import { pageOf } from './paging.js';
import { requireContributor, repositoryInScope } from './repository-scope.js';
import { identityReference } from './shapes.js';

const READ = { ado: { scopes: ['vso.code'] } };
const WRITE = { ado: { scopes: ['vso.code_write'] } };
const BASES = ['/:project/_apis/git/repositories/:repositoryId', '/_apis/git/repositories/:repositoryId'];

type Query = Record<string, string | undefined>;
type RepoParams = { repositoryId: string };

/** Pushes: the history of ref changes (`GET`), and commits made through the REST API (`POST`, FACTS §2.6). */
export async function pushRoutes(app: FastifyInstance, ctx: SimulatorContext): Promise<void> {
  for (const base of BASES) {
    app.get<{ Params: RepoParams }>(`${base}/pushes`, { config: READ }, async (request, reply) => {
      const { project, repository } = repositoryInScope(request, request.params.repositoryId);
      const query = request.query as Query;
      const criterion = (name: string): string | undefined => query[`searchCriteria.${name}`] ?? query[name];
      const from = dateParam('fromDate', criterion('fromDate'));
      const to = dateParam('toDate', criterion('toDate'));
      const pusherId = criterion('pusherId')?.toLowerCase();
      const refName = criterion('refName');
      const includeRefUpdates = boolParam('includeRefUpdates', criterion('includeRefUpdates')) ?? false;
      const includeLinks = boolParam('includeLinks', criterion('includeLinks')) ?? false;

      const matching = repository.pushes
        .filter((p) => (from === undefined || Date.parse(p.date) >= from) && (to === undefined || Date.parse(p.date) <= to))
        .filter((p) => pusherId === undefined || p.pushedById.toLowerCase() === pusherId)
        .filter((p) => refName === undefined || p.refUpdates.some((u) => u.name === refName))
        .sort((a, b) => b.pushId - a.pushId);
      const page = pageOf(matching, request, reply, { pageSize: ctx.settings.pageSize, tokens: false });
      const repo = await repositoryObject(ctx, request.ado, project, repository);
      const value = page.map((p) => pushJson(ctx, request.ado, project, repository, p, repo, { refUpdates: includeRefUpdates, links: includeLinks }));
      return sendJson(reply, { count: value.length, value });
    });

    app.get<{ Params: RepoParams & { pushId: string } }>(`${base}/pushes/:pushId`, { config: READ }, async (request, reply) => {
      const { project, repository } = repositoryInScope(request, request.params.repositoryId);
      const pushId = Number(request.params.pushId);
      if (!Number.isInteger(pushId) || pushId < 1) throw AdoErrors.invalidArgumentValue('pushId');
      const push = repository.pushes.find((p) => p.pushId === pushId);
      if (!push) throw AdoErrors.notFound(`The push with id ${pushId} could not be found in repository ${repository.name}.`, 'GitPushNotFoundException');
      const query = request.query as Query;
      const includeRefUpdates = boolParam('includeRefUpdates', query['includeRefUpdates']) ?? false;
      const commitCount = commitCountParam(query['includeCommits']);
      const commits = await commitObjects(ctx, request.ado, project, repository, push.commitIds.slice(0, commitCount));
      const repo = await repositoryObject(ctx, request.ado, project, repository);
      return sendJson(reply, pushJson(ctx, request.ado, project, repository, push, repo, { refUpdates: includeRefUpdates, links: true, commits }));
    });

    app.post<{ Params: RepoParams }>(`${base}/pushes`, { config: WRITE }, async (request, reply) => {
      const { project, repository } = repositoryInScope(request, request.params.repositoryId);
      const pusherId = requireContributor(request.ado, 'GenericContribute');
      const input = parseCreatePush(request);
      const created = await createPush(ctx, repository, pusherId, input);
      const commits = await commitObjects(ctx, request.ado, project, repository, created.commitIds, { withTree: true });
      const repo = await repositoryObject(ctx, request.ado, project, repository);
      return sendJson(reply, pushJson(ctx, request.ado, project, repository, created.push, repo, { refUpdates: true, links: true, commits }), 201);
    });
  }
}

async function repositoryObject(ctx: SimulatorContext, ado: AdoRequest, project: Project, repository: Repository): Promise<Record<string, unknown>> {
  return repositoryJson(ado, project, repository, await ctx.repos.summary(repository), ctx.ssh?.port);
}

export function pushJson(
  ctx: SimulatorContext,
  ado: AdoRequest,
  project: Project,
  repository: Repository,
  push: Push,
  repo: Record<string, unknown>,
  o: { refUpdates: boolean; links: boolean; commits?: Array<Record<string, unknown>> },
): Record<string, unknown> {
  const repoUrl = repositoryApiUrl(ado, repository);
  const url = `${repoUrl}/pushes/${push.pushId}`;
  const pushedBy = identityReference(ctx.store.state, ado, push.pushedById);
  const firstRef = push.refUpdates[0]?.name;
  return {
    ...(o.commits ? { commits: o.commits } : {}),
    ...(o.refUpdates
      ? { refUpdates: push.refUpdates.map((u) => ({ repositoryId: repository.id, name: u.name, oldObjectId: u.oldObjectId, newObjectId: u.newObjectId })) }
      : {}),
    repository: repo,
    pushedBy,
    pushId: push.pushId,
    date: push.date,
    url,
    ...(o.links
      ? {
          _links: {
            self: { href: url },
            repository: { href: repoUrl },
            commits: { href: `${url}/commits` },
            pusher: { href: pushedBy['url'] },
            ...(firstRef ? { refs: { href: `${repoUrl}/refs/${firstRef}` } } : {}),
          },
        }
      : {}),
  };
}

/** Commits in the order of `ids`, as GitCommitRef; the commits of a new push also carry their tree and parents. */
async function commitObjects(
  ctx: SimulatorContext,
  ado: AdoRequest,
  project: Project,
  repository: Repository,
  ids: string[],
  o: { withTree?: boolean } = {},
): Promise<Array<Record<string, unknown>>> {
  if (ids.length === 0) return [];
  const { commits } = await ctx.repos.git(repository).log({ ids });
  const byId = new Map(commits.map((c) => [c.commitId, c]));
  return ids
    .map((id) => byId.get(id))
    .filter((c): c is GitCommitInfo => c !== undefined)
    .map((c) => {
      const json = commitJson(ado, project, repository, c);
      return o.withTree ? { treeId: c.treeId, ...json, parents: c.parents } : json;
    });
}

function boolParam(name: string, raw: string | undefined): boolean | undefined {
  if (raw === undefined || raw === '') return undefined;
  const v = raw.toLowerCase();
  if (v === 'true') return true;
  if (v === 'false') return false;
  throw AdoErrors.invalidArgumentValue(name);
}

function dateParam(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  const t = Date.parse(raw);
  if (Number.isNaN(t)) throw AdoErrors.invalidArgumentValue(`searchCriteria.${name}`);
  return t;
}

/** `includeCommits` is a count in the spec; clients also send true/false. Without it, a push shows no commits. */
function commitCountParam(raw: string | undefined): number {
  if (raw === undefined || raw === '') return 0;
  if (raw.toLowerCase() === 'true') return 100;
  if (raw.toLowerCase() === 'false') return 0;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw AdoErrors.invalidArgumentValue('includeCommits');
  return n;
}

// The official clients send enums as numbers (VersionControlChangeType, ItemContentType); others send names.
const CHANGE_TYPES: Record<string, 'add' | 'edit' | 'delete' | 'rename'> = { add: 'add', '1': 'add', edit: 'edit', '2': 'edit', delete: 'delete', '16': 'delete', rename: 'rename', '8': 'rename' };
const CONTENT_TYPES: Record<string, 'rawtext' | 'base64encoded'> = { rawtext: 'rawtext', '0': 'rawtext', base64encoded: 'base64encoded', '1': 'base64encoded' };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Checks the whole body before anything is written, so a bad change in the last commit leaves the repository as it was. */
export function parseCreatePush(request: FastifyRequest): CreatePushInput {
  const body = request.body;
  if (!isObject(body)) throw AdoErrors.invalidArgumentValue('push', 'The request body must be a push: {refUpdates, commits}.');
  if (!Array.isArray(body['refUpdates']) || body['refUpdates'].length === 0) {
    throw AdoErrors.invalidArgumentValue('refUpdates', 'The push must list at least one ref update.');
  }
  const refUpdates = body['refUpdates'].map((u, i) => {
    if (!isObject(u) || typeof u['name'] !== 'string') throw AdoErrors.invalidArgumentValue(`refUpdates[${i}].name`);
    const old = u['oldObjectId'] ?? ZERO_ID;
    if (typeof old !== 'string') throw AdoErrors.invalidArgumentValue(`refUpdates[${i}].oldObjectId`);
    const next = u['newObjectId'];
    if (next !== undefined && next !== null && typeof next !== 'string') throw AdoErrors.invalidArgumentValue(`refUpdates[${i}].newObjectId`);
    return { name: u['name'], oldObjectId: old, ...(typeof next === 'string' ? { newObjectId: next } : {}) };
  });
  const rawCommits = body['commits'] ?? [];
  if (!Array.isArray(rawCommits)) throw AdoErrors.invalidArgumentValue('commits');
  return { refUpdates, commits: rawCommits.map((c, i) => parseCommit(c, `commits[${i}]`)) };
}

function parseCommit(raw: unknown, at: string): PushCommitInput {
  if (!isObject(raw)) throw AdoErrors.invalidArgumentValue(at);
  const comment = raw['comment'] ?? '';
  if (typeof comment !== 'string') throw AdoErrors.invalidArgumentValue(`${at}.comment`);
  if (!Array.isArray(raw['changes'])) throw AdoErrors.invalidArgumentValue(`${at}.changes`, `The commit ${at} must list its changes.`);
  const author = parseIdentity(raw['author'], `${at}.author`);
  const committer = parseIdentity(raw['committer'], `${at}.committer`);
  return {
    comment,
    changes: raw['changes'].map((c, j) => parseChange(c, `${at}.changes[${j}]`)),
    ...(author ? { author } : {}),
    ...(committer ? { committer } : {}),
  };
}

function parseIdentity(raw: unknown, at: string): GitIdentity | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!isObject(raw) || typeof raw['name'] !== 'string' || typeof raw['email'] !== 'string') throw AdoErrors.invalidArgumentValue(at);
  const date = raw['date'] === undefined ? new Date() : new Date(String(raw['date']));
  if (Number.isNaN(date.getTime())) throw AdoErrors.invalidArgumentValue(`${at}.date`);
  return { name: raw['name'], email: raw['email'], date };
}

function parseChange(raw: unknown, at: string): GitChange {
  if (!isObject(raw)) throw AdoErrors.invalidArgumentValue(at);
  const changeType = CHANGE_TYPES[String(raw['changeType']).toLowerCase()];
  if (!changeType) {
    throw AdoErrors.invalidArgumentValue(
      `${at}.changeType`,
      `The change type '${String(raw['changeType'])}' of ${at} is not supported in a push; use add, edit, delete or rename.`,
    );
  }
  const item = raw['item'];
  if (!isObject(item) || typeof item['path'] !== 'string' || item['path'] === '') {
    throw AdoErrors.invalidArgumentValue(`${at}.item.path`, `The change ${at} must name its item: {"item": {"path": "/file"}}.`);
  }
  const path = item['path'];
  if (changeType === 'delete') return { changeType, path };
  if (changeType === 'rename') {
    const source = raw['sourceServerItem'] ?? raw['originalPath'];
    if (typeof source !== 'string' || source === '') {
      throw AdoErrors.invalidArgumentValue(`${at}.sourceServerItem`, `The rename ${at} must give the path it renames in sourceServerItem.`);
    }
    return { changeType, sourcePath: source, path };
  }
  return { changeType, path, content: parseContent(raw['newContent'], at, path) };
}

function parseContent(raw: unknown, at: string, path: string): Buffer {
  if (!isObject(raw) || typeof raw['content'] !== 'string') {
    throw AdoErrors.invalidArgumentValue(`${at}.newContent`, `The change of '${path}' must carry newContent: {"content": "...", "contentType": "rawtext"}.`);
  }
  const contentType = CONTENT_TYPES[String(raw['contentType'] ?? 'rawtext').toLowerCase()];
  if (!contentType) throw AdoErrors.invalidArgumentValue(`${at}.newContent.contentType`, `The content type '${String(raw['contentType'])}' is not rawtext or base64encoded.`);
  if (contentType === 'rawtext') return Buffer.from(raw['content'], 'utf8');
  const base64 = raw['content'].replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(base64) || base64.length % 4 === 1) {
    throw AdoErrors.invalidArgumentValue(`${at}.newContent.content`, `The content of '${path}' is not valid base64.`);
  }
  return Buffer.from(base64, 'base64');
}
