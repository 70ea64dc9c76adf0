// Projects and repositories of a connection, one repository with its mirror, and the mirror alone. Azure DevOps
// lists every repository of an organization in one answer, so pages are cut from that answer (offset cursors).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { listProjects, type TeamProjectReference } from '../../../../azure/api/index.js';
import { getRepositorySummary, listRepositories } from '../../../../repositories/browse-service.js';
import { clientForConnection } from '../../../../repositories/connection-client.js';
import { info } from '../../../../repositories/mirror-fetch.js';
import { identifyMirror } from '../../../../repositories/mirror-identity.js';
import { getMirror, listMirrors } from '../../../../store/mirrors-repo.js';
import { Page, PageQuery } from '../../../paging.js';
import { ConnectionParams, problemResponses } from '../../../schemas/common-schema.js';
import { MirrorInfoSchema, ProjectSchema, RepositoryParams, RepositorySchema } from '../../../schemas/repository-schema.js';
import { connectionsOf, pageInMemory } from '../route-helpers.js';
import { mirrorSummary } from './repository-api-views.js';
import { repositoryTarget } from './repository-target.js';

const TAGS = ['repositories'];

const page = (q: { limit?: number; cursor?: string }) => ({ ...(q.limit !== undefined ? { limit: q.limit } : {}), ...(q.cursor !== undefined ? { cursor: q.cursor } : {}) });

export const repositoryListRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/connections/:id/projects',
    {
      schema: {
        tags: TAGS,
        operationId: 'listProjects',
        summary: 'The projects the connection\'s credential can see, by name',
        params: ConnectionParams,
        querystring: PageQuery,
        response: { 200: Page(ProjectSchema, 'Project'), ...problemResponses },
      },
    },
    async (request) => {
      const connections = connectionsOf(request);
      const connection = await connections.getConnection(request.params.id);
      const client = clientForConnection(connection, connections.endpoints);
      const projects: TeamProjectReference[] = [];
      try {
        for await (const p of listProjects(client)) projects.push(...p);
      } finally {
        client.close();
      }
      projects.sort((a, b) => a.name.localeCompare(b.name));
      return pageInMemory(projects, page(request.query));
    },
  );

  app.get(
    '/connections/:id/repositories',
    {
      schema: {
        tags: TAGS,
        operationId: 'listRepositories',
        summary: 'The connection\'s repositories (selected ones unless includeUnselected), by project and name, with their mirrors',
        params: ConnectionParams,
        querystring: Type.Composite([
          PageQuery,
          Type.Object({
            project: Type.Optional(Type.String({ maxLength: 200, description: 'Only this project\'s.' })),
            includeUnselected: Type.Optional(Type.Boolean({ default: false, description: 'Also those the selection leaves out (selected: false), e.g. to edit the selection.' })),
          }),
        ]),
        response: { 200: Page(RepositorySchema, 'Repository'), ...problemResponses },
      },
    },
    async (request) => {
      const connections = connectionsOf(request);
      const { project, includeUnselected } = request.query;
      const view = await connections.describeConnection(request.params.id);
      const [repositories, mirrors] = await Promise.all([
        listRepositories(connections, view.id, { ...(project !== undefined ? { project } : {}), includeUnselected: includeUnselected === true }),
        listMirrors(connections.store.db, view.id),
      ]);
      const byId = new Map(mirrors.map((m) => [m.repositoryId.toLowerCase(), m]));
      const result = pageInMemory(repositories, page(request.query));
      return {
        items: result.items.map((r) => {
          const mirror = byId.get(r.id.toLowerCase());
          return { ...r, mirror: mirror ? mirrorSummary(mirror) : null };
        }),
        nextCursor: result.nextCursor,
      };
    },
  );

  app.get(
    '/connections/:id/repositories/:repo',
    {
      schema: {
        tags: TAGS,
        operationId: 'getRepository',
        summary: 'One repository (also when empty or disabled) with its mirror',
        params: RepositoryParams,
        response: { 200: RepositorySchema, ...problemResponses },
      },
    },
    async (request) => {
      const connections = connectionsOf(request);
      const target = await repositoryTarget(connections, request.params.id, request.params.repo);
      const summary = await getRepositorySummary(connections, target);
      const mirror = await getMirror(connections.store.db, { connectionId: target.connection.id, repositoryId: summary.id.toLowerCase() });
      return { ...summary, mirror: mirror ? mirrorSummary(mirror) : null };
    },
  );

  app.get(
    '/connections/:id/repositories/:repo/mirror',
    {
      schema: {
        tags: TAGS,
        operationId: 'getMirror',
        summary: 'The repository\'s mirror: status, last fetch, last error (status missing before the first fetch)',
        params: RepositoryParams,
        response: { 200: MirrorInfoSchema, ...problemResponses },
      },
    },
    async (request) => {
      const connections = connectionsOf(request);
      const target = await repositoryTarget(connections, request.params.id, request.params.repo);
      const identity = await identifyMirror(connections, target, { dataDir: app.ctx.config.dataDir });
      const mirror = info(identity);
      return { ...mirror, ...(identity.record ? mirrorSummary(identity.record) : { status: 'missing' as const, partial: false }) };
    },
  );
};
