// API tokens of the caller's workspace: workspace administrators (and admin-scoped tokens) list, create and revoke.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { MAX_TOKEN_DAYS } from '../../../access/api-tokens.js';
import { principalOf } from '../../fastify-types.js';
import { Page, PageQuery } from '../../paging.js';
import { ApiTokenSchema, IdParams, Scope, problemResponses } from './access-schemas.js';

export const tokenRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/tokens',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['tokens'],
        summary: 'List API tokens',
        description: 'The workspace\'s tokens, newest first, revoked and expired ones included. Tokens themselves are never shown again.',
        operationId: 'listApiTokens',
        querystring: PageQuery,
        response: { 200: Page(ApiTokenSchema, 'ApiToken'), ...problemResponses },
      },
    },
    async (request) => app.ctx.access.listApiTokens(principalOf(request), request.query),
  );

  app.post(
    '/tokens',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['tokens'],
        summary: 'Create an API token',
        description:
          'The token is in this answer only: store it now. Send it as "Authorization: Bearer <token>". Its scope cannot ' +
          'exceed the creator\'s, and narrows if the creator\'s role does; it stops working if they leave the workspace.',
        operationId: 'createApiToken',
        body: Type.Object(
          {
            name: Type.String({ minLength: 1, maxLength: 100 }),
            scope: Scope,
            expiresInDays: Type.Integer({ minimum: 1, maximum: MAX_TOKEN_DAYS }),
          },
          { additionalProperties: false },
        ),
        response: { 201: Type.Composite([Type.Object({ token: Type.String() }), ApiTokenSchema], { title: 'NewApiToken' }), ...problemResponses },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const { token, view } = await app.ctx.access.createApiToken(principal, request.body);
      request.log.info({ tokenId: view.id, scope: view.scope, expiresAt: view.expiresAt, workspaceId: principal.workspaceId, by: principal.userId }, 'API token created');
      return reply.code(201).send({ token, ...view });
    },
  );

  app.delete(
    '/tokens/:id',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['tokens'],
        summary: 'Revoke an API token',
        description: 'It stops working at once. Revoking a revoked token changes nothing.',
        operationId: 'revokeApiToken',
        params: IdParams,
        response: { 200: ApiTokenSchema, ...problemResponses },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const view = await app.ctx.access.revokeApiToken(principal, request.params.id);
      request.log.info({ tokenId: view.id, workspaceId: principal.workspaceId, by: principal.userId }, 'API token revoked');
      return view;
    },
  );
};
