import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { GitCommitInfo } from '../git/git-repo.js';
import { AdoErrors } from '../http/ado-errors.js';
import { sendJson } from '../http/ado-request.js';
import type { SimulatorContext } from '../runtime/context.js';
import { createPullRequest, findPullRequest, refreshPullRequest, updatePullRequest } from '../services/pull-requests.js';
import { findRepository } from '../state/lookup.js';
import type { Project, PullRequest, PullRequestStatus, Repository } from '../state/model.js';
import { commitJson } from './git-shapes.js';
import { pageOf } from './paging.js';
import { parseCreatePullRequest, parseUpdatePullRequest } from './pull-request-input.js';
import { pullRequestJson } from './pull-request-shapes.js';
import { projectsInScope, repositoryInScope, requireContributor } from './repository-scope.js';

const READ = { ado: { scopes: ['vso.code'] } };
const WRITE = { ado: { scopes: ['vso.code_write'] } };
const REPO_BASES = ['/:project/_apis/git/repositories/:repositoryId', '/_apis/git/repositories/:repositoryId'];
const AREA_BASES = ['/:project/_apis/git', '/_apis/git'];

type Query = Record<string, string | undefined>;
type RepoParams = { repositoryId: string };
type PrParams = { repositoryId: string; pullRequestId: string };
interface Located {
  project: Project;
  repository: Repository;
  pullRequest: PullRequest;
}

/** Pull requests (FACTS §2.7): listings by repository and by project, one pull request, create, update, its commits. */
export async function pullRequestRoutes(app: FastifyInstance, ctx: SimulatorContext): Promise<void> {
  const render = async (request: FastifyRequest, at: Located, extra?: Record<string, unknown>): Promise<Record<string, unknown>> => {
    await refreshPullRequest(ctx, at.repository, at.pullRequest);
    const id = at.pullRequest.lastMergeCommit;
    const lastMergeCommit = id ? await ctx.repos.git(at.repository).getCommit(id) : undefined;
    return pullRequestJson(ctx, request.ado, at.project, at.repository, at.pullRequest, {
      links: true,
      ...(lastMergeCommit ? { lastMergeCommit } : {}),
      ...(extra ? { extra } : {}),
    });
  };

  const list = async (request: FastifyRequest, reply: FastifyReply, candidates: Array<{ project: Project; repository: Repository }>) => {
    const query = request.query as Query;
    const criterion = (name: string): string | undefined => query[`searchCriteria.${name}`] ?? query[name];
    const status = parseStatus(criterion('status'));
    const lower = (name: string): string | undefined => criterion(name)?.toLowerCase();
    const creatorId = lower('creatorId');
    const reviewerId = lower('reviewerId');
    const sourceRefName = lower('sourceRefName');
    const targetRefName = lower('targetRefName');
    const repositoryId = lower('repositoryId') ?? lower('sourceRepositoryId');
    const includeLinks = parseBool('searchCriteria.includeLinks', criterion('includeLinks')) ?? false;
    const byClosed = (criterion('queryTimeRangeType') ?? 'created').toLowerCase() === 'closed';
    const minTime = parseTime('minTime', criterion('minTime'));
    const maxTime = parseTime('maxTime', criterion('maxTime'));

    const found: Located[] = [];
    for (const { project, repository } of candidates) {
      if (repositoryId && repository.id.toLowerCase() !== repositoryId && repository.name.toLowerCase() !== repositoryId) continue;
      for (const pullRequest of repository.pullRequests) {
        const pr = pullRequest;
        if (status !== 'all' && pr.status !== status) continue;
        if (creatorId && pr.createdById.toLowerCase() !== creatorId) continue;
        if (reviewerId && !pr.reviewers.some((r) => r.id.toLowerCase() === reviewerId)) continue;
        if (sourceRefName && pr.sourceRefName.toLowerCase() !== sourceRefName) continue;
        if (targetRefName && pr.targetRefName.toLowerCase() !== targetRefName) continue;
        const time = Date.parse((byClosed ? pr.closedDate : pr.creationDate) ?? '');
        if ((minTime !== undefined || maxTime !== undefined) && Number.isNaN(time)) continue;
        if ((minTime !== undefined && time < minTime) || (maxTime !== undefined && time > maxTime)) continue;
        found.push({ project, repository, pullRequest });
      }
    }
    // Newest first, as Azure DevOps lists them.
    found.sort((a, b) => b.pullRequest.pullRequestId - a.pullRequest.pullRequestId);
    const page = pageOf(found, request, reply, { pageSize: ctx.settings.pageSize, tokens: false });
    await Promise.all(page.map((at) => refreshPullRequest(ctx, at.repository, at.pullRequest)));
    const value = page.map((at) => pullRequestJson(ctx, request.ado, at.project, at.repository, at.pullRequest, { links: includeLinks }));
    return sendJson(reply, { count: value.length, value });
  };

  const inRepository = (request: FastifyRequest<{ Params: PrParams }>): Located => {
    const { project, repository } = repositoryInScope(request, request.params.repositoryId);
    const id = parseId(request.params.pullRequestId);
    const pullRequest = repository.pullRequests.find((p) => p.pullRequestId === id);
    if (!pullRequest) throw AdoErrors.pullRequestNotFound(id);
    return { project, repository, pullRequest };
  };

  for (const base of REPO_BASES) {
    app.get<{ Params: RepoParams }>(`${base}/pullrequests`, { config: READ }, async (request, reply) => {
      const match = repositoryInScope(request, request.params.repositoryId);
      return list(request, reply, [match]);
    });

    app.post<{ Params: RepoParams }>(`${base}/pullrequests`, { config: WRITE }, async (request, reply) => {
      const { project, repository } = repositoryInScope(request, request.params.repositoryId);
      const creatorId = requireContributor(request.ado, 'PullRequestContribute');
      const input = parseCreatePullRequest(request.body);
      const pullRequest = await createPullRequest(ctx, { host: request.ado.host, repository }, creatorId, input);
      return sendJson(reply, await render(request, { project, repository, pullRequest }), 201);
    });

    app.get<{ Params: PrParams }>(`${base}/pullrequests/:pullRequestId`, { config: READ }, async (request, reply) => {
      return sendJson(reply, await render(request, inRepository(request)));
    });

    app.patch<{ Params: PrParams }>(`${base}/pullrequests/:pullRequestId`, { config: WRITE }, async (request, reply) => {
      const at = inRepository(request);
      const actorId = requireContributor(request.ado, 'PullRequestContribute');
      const { input, completionOptions } = parseUpdatePullRequest(request.body);
      await updatePullRequest(ctx, at, actorId, input);
      const extra = input.status === 'completed' && completionOptions ? { completionOptions } : undefined;
      return sendJson(reply, await render(request, at, extra));
    });

    app.get<{ Params: PrParams }>(`${base}/pullrequests/:pullRequestId/commits`, { config: READ }, async (request, reply) => {
      const at = inRepository(request);
      await refreshPullRequest(ctx, at.repository, at.pullRequest);
      const page = pageOf(at.pullRequest.commitIds, request, reply, { pageSize: ctx.settings.pageSize });
      const commits = page.length === 0 ? [] : (await ctx.repos.git(at.repository).log({ ids: page })).commits;
      const byId = new Map(commits.map((c) => [c.commitId, c]));
      const value = page
        .map((id) => byId.get(id))
        .filter((c): c is GitCommitInfo => c !== undefined)
        .map((c) => commitJson(request.ado, at.project, at.repository, c));
      return sendJson(reply, { count: value.length, value });
    });
  }

  for (const base of AREA_BASES) {
    app.get(`${base}/pullrequests`, { config: READ }, async (request, reply) => {
      const candidates = projectsInScope(request.ado).flatMap((project) =>
        project.repositories.filter((r) => !r.isDisabled).map((repository) => ({ project, repository })),
      );
      const query = request.query as Query;
      const repositoryId = query['searchCriteria.repositoryId'] ?? query['repositoryId'];
      // A repository named in the criteria must exist, as with the repository-level route.
      if (repositoryId && !findRepository(request.ado.host, request.ado.project, repositoryId)) throw AdoErrors.repositoryNotFound(repositoryId);
      return list(request, reply, candidates);
    });

    app.get<{ Params: { pullRequestId: string } }>(`${base}/pullrequests/:pullRequestId`, { config: READ }, async (request, reply) => {
      const id = parseId(request.params.pullRequestId);
      const at = findPullRequest(projectsInScope(request.ado), id);
      if (!at || at.repository.isDisabled) throw AdoErrors.pullRequestNotFound(id);
      return sendJson(reply, await render(request, at));
    });
  }
}

function parseId(raw: string): number {
  const id = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(id) || id < 1) throw AdoErrors.invalidArgumentValue('pullRequestId');
  return id;
}

// PullRequestStatus as the official clients send it: numbers, or names in any case.
const STATUSES: Record<string, PullRequestStatus | 'all'> = {
  '0': 'active', notset: 'active', '1': 'active', active: 'active', '2': 'abandoned', abandoned: 'abandoned',
  '3': 'completed', completed: 'completed', '4': 'all', all: 'all',
};

function parseStatus(raw: string | undefined): PullRequestStatus | 'all' {
  if (raw === undefined || raw === '') return 'active';
  const status = STATUSES[raw.toLowerCase()];
  if (!status) throw AdoErrors.invalidArgumentValue('searchCriteria.status');
  return status;
}

function parseBool(name: string, raw: string | undefined): boolean | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (raw.toLowerCase() === 'true') return true;
  if (raw.toLowerCase() === 'false') return false;
  throw AdoErrors.invalidArgumentValue(name);
}

function parseTime(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  const t = Date.parse(raw);
  if (Number.isNaN(t)) throw AdoErrors.invalidArgumentValue(`searchCriteria.${name}`);
  return t;
}
