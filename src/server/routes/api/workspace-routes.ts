// Workspaces: the caller's (service administrators see all), and creating one.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { principalOf } from '../../fastify-types.js';
import { Page, PageQuery } from '../../paging.js';
import { WorkspaceSchema, problemResponses } from './access-schemas.js';

export const workspaceRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/workspaces',
    {
      schema: {
        tags: ['workspaces'],
        summary: 'List workspaces',
        description: 'The workspaces the caller belongs to, oldest first; every workspace for service administrators; an API token\'s own only.',
        operationId: 'listWorkspaces',
        querystring: PageQuery,
        response: { 200: Page(WorkspaceSchema, 'Workspace'), ...problemResponses },
      },
    },
    async (request) => app.ctx.access.listWorkspaces(principalOf(request), request.query),
  );

  app.post(
    '/workspaces',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['workspaces'],
        summary: 'Create a workspace',
        description: 'Service administrators only. The creator becomes its administrator; choose it with X-Azdo-Workspace.',
        operationId: 'createWorkspace',
        body: Type.Object({ name: Type.String({ minLength: 1, maxLength: 100 }) }, { additionalProperties: false }),
        response: { 201: WorkspaceSchema, ...problemResponses },
      },
    },
    async (request, reply) => {
      const workspace = await app.ctx.access.createWorkspace(principalOf(request), request.body);
      request.log.info({ workspaceId: workspace.id, by: principalOf(request).userId }, 'workspace created');
      return reply.code(201).send(workspace);
    },
  );
};
