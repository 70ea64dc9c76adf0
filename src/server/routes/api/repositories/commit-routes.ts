// Commits of a branch, for pickers: from the mirror when the repository has one (one `git log`, no request to Azure
// DevOps), else from Azure DevOps; the answer says which. Filters by author, date or path are Azure DevOps' to answer.
// Hidden commits are left out unless asked for, and marked either way.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { AzdoError } from '../../../../errors/azdo-error.js';
import { mirrorExists } from '../../../../git/mirror.js';
import { listCommits } from '../../../../repositories/browse-service.js';
import { hideCommit, listMirrorCommits, unhideCommit } from '../../../../repositories/mirror-commits.js';
import { identifyMirror, isRealRepositoryId } from '../../../../repositories/mirror-identity.js';
import { RepositoryErrorCodes } from '../../../../repositories/repository-errors.js';
import { hiddenCommits } from '../../../../store/hidden-commits-repo.js';
import { REQUEST_INVALID } from '../../../plugins/error-handling.js';
import { offsetCursor } from '../../../paging.js';
import { problemResponses } from '../../../schemas/common-schema.js';
import { CommitPageSchema, CommitsQuery, HideResultSchema, RepositoryParams } from '../../../schemas/repository-schema.js';
import { connectionsOf, offsetOf } from '../route-helpers.js';
import { commitFromAzure, commitFromMirror } from './repository-api-views.js';
import { requestTarget } from './repository-target.js';

const TAGS = ['repositories'];

function checkDate(value: string | undefined, field: string): string | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{4}-\d{2}-\d{2}/.test(value.trim()) || !Number.isFinite(Date.parse(value.trim()))) {
    throw new AzdoError(REQUEST_INVALID, `${field} is not a date.`, 'Give a date such as 2026-03-14 (or an ISO 8601 date and time).', { field });
  }
  return new Date(Date.parse(value.trim())).toISOString();
}

const CommitParams = Type.Composite([
  RepositoryParams,
  Type.Object({ commitId: Type.String({ pattern: '^[0-9a-fA-F]{4,64}$', description: 'Full, or abbreviated (at least 4) once the repository is fetched.' }) }),
]);

export const commitRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const dataDir = (): string => app.ctx.config.dataDir;

  app.get(
    '/connections/:id/repositories/:repo/commits',
    {
      schema: {
        tags: TAGS,
        operationId: 'listCommits',
        summary: 'Commits of a branch, newest first: from the mirror when there is one, else from Azure DevOps',
        params: RepositoryParams,
        querystring: CommitsQuery,
        response: { 200: CommitPageSchema, ...problemResponses },
      },
    },
    async (request) => {
      const q = request.query;
      const fromDate = checkDate(q.from, 'from');
      const toDate = checkDate(q.to, 'to');
      const offset = offsetOf(q.cursor);
      const limit = q.limit ?? 50;
      const connections = connectionsOf(request);
      const target = await requestTarget(request);
      const identity = await identifyMirror(connections, target, { dataDir: dataDir() });
      const filtered = q.author !== undefined || fromDate !== undefined || toDate !== undefined || q.path !== undefined;

      if (!filtered && identity.record && (await mirrorExists(identity.dir))) {
        const page = await listMirrorCommits(connections, target, {
          dataDir: dataDir(),
          ...(q.branch !== undefined ? { branch: q.branch } : {}),
          top: limit,
          skip: offset,
          includeHidden: q.includeHidden === true,
        });
        return {
          items: page.commits.map(commitFromMirror),
          nextCursor: page.hasMore ? offsetCursor(offset + page.commits.length) : null,
          source: 'mirror' as const,
          ref: page.ref,
          empty: page.empty,
          ...(page.lastFetchedAt ? { lastFetchedAt: page.lastFetchedAt } : {}),
        };
      }

      const hidden = await hiddenCommits(connections.store.db, { connectionId: target.connection.id, repositoryId: identity.repositoryId });
      const byId = isRealRepositoryId(identity.repositoryId) ? { repositoryId: identity.repositoryId } : {};
      try {
        const page = await listCommits(connections, { ...target, ...byId }, {
          ...(q.branch !== undefined ? { branch: q.branch.replace(/^refs\/heads\//, '') } : {}),
          ...(q.author !== undefined ? { author: q.author } : {}),
          ...(fromDate !== undefined ? { fromDate } : {}),
          ...(toDate !== undefined ? { toDate } : {}),
          ...(q.path !== undefined ? { path: q.path } : {}),
          top: limit,
          skip: offset,
        });
        // Hidden ones are left out after Azure DevOps' paging: a page may be shorter than the limit, never wrong.
        const items = page.commits.map((c) => commitFromAzure(c, hidden)).filter((c) => q.includeHidden === true || !c.hidden);
        return {
          items,
          nextCursor: page.hasMore ? offsetCursor(offset + page.commits.length) : null,
          source: 'azure' as const,
          ref: page.version.value,
          empty: false,
        };
      } catch (error) {
        if (!(error instanceof AzdoError && error.code === RepositoryErrorCodes.empty)) throw error;
        return { items: [], nextCursor: null, source: 'azure' as const, ref: q.branch ?? '', empty: true };
      }
    },
  );

  for (const method of ['PUT', 'DELETE'] as const) {
    app.route({
      method,
      url: '/connections/:id/repositories/:repo/commits/:commitId/hidden',
      schema: {
        tags: TAGS,
        operationId: method === 'PUT' ? 'hideCommit' : 'unhideCommit',
        summary: method === 'PUT' ? 'Hide a commit from listings (it stays in the repository)' : 'Show a hidden commit in listings again',
        params: CommitParams,
        response: { 200: HideResultSchema, ...problemResponses },
      },
      handler: async (request) => {
        const connections = connectionsOf(request);
        const target = await requestTarget(request);
        const change = method === 'PUT' ? hideCommit : unhideCommit;
        return change(connections, target, request.params.commitId, { dataDir: dataDir() });
      },
    });
  }
};
