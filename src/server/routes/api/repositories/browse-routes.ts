// Reading a repository through Azure DevOps: branches, tags, pull requests, trees and files. Each call opens the
// repository once (which also checks that the connection's selection includes it) and reads what was asked.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { PullRequestStatus } from '../../../../azure/api/index.js';
import { getFile, getPullRequestWithCommits, getTree, listBranches, listPullRequests, listTags } from '../../../../repositories/browse-service.js';
import { parseRefArgument } from '../../../../repositories/repository-target.js';
import { Page, PageQuery } from '../../../paging.js';
import { problemResponses } from '../../../schemas/common-schema.js';
import { FileSchema, PullRequestDetailSchema, PullRequestSchema, RefQuery, RefSchema, RepositoryParams, TreeSchema } from '../../../schemas/repository-schema.js';
import { connectionsOf, offsetOf, pageInMemory } from '../route-helpers.js';
import { commitFromAzure, fileView, pullRequestView } from './repository-api-views.js';
import { requestTarget } from './repository-target.js';

const TAGS = ['repositories'];

const page = (q: { limit?: number; cursor?: string }) => ({ ...(q.limit !== undefined ? { limit: q.limit } : {}), ...(q.cursor !== undefined ? { cursor: q.cursor } : {}) });

const PR_STATUS = Type.Union(['active', 'completed', 'abandoned', 'all'].map((s) => Type.Literal(s as PullRequestStatus)), {
  default: 'active',
  description: 'Which pull requests: active (default), completed, abandoned, or all.',
});

export const browseRoutes: FastifyPluginAsyncTypebox = async (app) => {
  for (const kind of ['branches', 'tags'] as const) {
    app.get(
      `/connections/:id/repositories/:repo/${kind}`,
      {
        schema: {
          tags: TAGS,
          operationId: kind === 'branches' ? 'listBranches' : 'listTags',
          summary: kind === 'branches' ? 'Branches, the default branch first (none for an empty repository)' : 'Tags, with the commit each points at',
          params: RepositoryParams,
          querystring: PageQuery,
          response: { 200: Page(RefSchema, kind === 'branches' ? 'Branch' : 'Tag'), ...problemResponses },
        },
      },
      async (request) => {
        const t = await requestTarget(request);
        const refs = kind === 'branches' ? await listBranches(connectionsOf(request), t) : await listTags(connectionsOf(request), t);
        return pageInMemory(refs, page(request.query));
      },
    );
  }

  app.get(
    '/connections/:id/repositories/:repo/pull-requests',
    {
      schema: {
        tags: TAGS,
        operationId: 'listPullRequests',
        summary: 'Pull requests of the repository, newest first',
        params: RepositoryParams,
        querystring: Type.Composite([PageQuery, Type.Object({ status: Type.Optional(PR_STATUS) })]),
        response: { 200: Page(PullRequestSchema, 'PullRequest'), ...problemResponses },
      },
    },
    async (request) => {
      const { status, limit = 50 } = request.query;
      // Enough for this page and one more item to know whether another page follows.
      const top = offsetOf(request.query.cursor) + limit + 1;
      const prs = await listPullRequests(connectionsOf(request), await requestTarget(request), { status: status ?? 'active', top });
      const result = pageInMemory(prs, page(request.query));
      return { items: result.items.map(pullRequestView), nextCursor: result.nextCursor };
    },
  );

  app.get(
    '/connections/:id/repositories/:repo/pull-requests/:prId',
    {
      schema: {
        tags: TAGS,
        operationId: 'getPullRequest',
        summary: 'One pull request of the repository with its commits',
        params: Type.Composite([RepositoryParams, Type.Object({ prId: Type.Integer({ minimum: 1 }) })]),
        response: { 200: PullRequestDetailSchema, ...problemResponses },
      },
    },
    async (request) => {
      const { pullRequest, commits } = await getPullRequestWithCommits(connectionsOf(request), await requestTarget(request), request.params.prId);
      return { pullRequest: pullRequestView(pullRequest), commits: commits.map((c) => commitFromAzure(c)) };
    },
  );

  app.get(
    '/connections/:id/repositories/:repo/tree',
    {
      schema: {
        tags: TAGS,
        operationId: 'getTree',
        summary: 'Files and folders under a path at a ref (one level, or all with recursive)',
        params: RepositoryParams,
        querystring: Type.Composite([RefQuery, Type.Object({ recursive: Type.Optional(Type.Boolean({ default: false })) })]),
        response: { 200: TreeSchema, ...problemResponses },
      },
    },
    async (request) => {
      const { ref, path, recursive } = request.query;
      return getTree(connectionsOf(request), await requestTarget(request), {
        ...(ref !== undefined ? { version: parseRefArgument(ref) } : {}),
        ...(path !== undefined ? { path } : {}),
        recursive: recursive === true,
      });
    },
  );

  app.get(
    '/connections/:id/repositories/:repo/file',
    {
      schema: {
        tags: TAGS,
        operationId: 'getFile',
        summary: 'A file at a ref: JSON (text, or base64 for binary) by default; its raw bytes with format=raw',
        params: RepositoryParams,
        querystring: Type.Composite([
          RefQuery,
          Type.Object({
            format: Type.Optional(
              Type.Union([Type.Literal('json'), Type.Literal('raw')], { default: 'json', description: 'raw: the bytes as a download (application/octet-stream).' }),
            ),
          }),
        ]),
        response: {
          200: {
            description: 'The file.',
            content: {
              'application/json': { schema: FileSchema },
              'application/octet-stream': { schema: Type.String({ format: 'binary' }) },
            },
          },
          ...problemResponses,
        },
      },
    },
    async (request, reply) => {
      const { ref, path, format } = request.query;
      const file = await getFile(connectionsOf(request), await requestTarget(request), {
        ...(ref !== undefined ? { version: parseRefArgument(ref) } : {}),
        ...(path !== undefined ? { path } : {}),
      });
      if (format !== 'raw') return fileView(file);
      // A download, never rendered by the browser: repository content must not run as this site's HTML.
      const name = file.path.split('/').pop() || 'file';
      return reply
        .type('application/octet-stream')
        .header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(name)}`)
        .header('x-content-type-options', 'nosniff')
        .header('content-security-policy', 'sandbox')
        .header('x-azdo-commit-id', file.commitId)
        .header('x-azdo-object-id', file.objectId)
        .send(file.content);
    },
  );
};
