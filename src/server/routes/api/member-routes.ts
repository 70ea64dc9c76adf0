// Members of the caller's workspace: anyone in it may list them; workspace administrators invite, change roles,
// remove, and make sign-in links.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { principalOf } from '../../fastify-types.js';
import { Page, PageQuery } from '../../paging.js';
import { MemberSchema, Role, SignInLinkSchema, UserIdParams, problemResponses } from './access-schemas.js';

export const memberRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/members',
    {
      schema: {
        tags: ['members'],
        summary: 'List members',
        description: 'The members of the workspace, by e-mail address.',
        operationId: 'listMembers',
        querystring: PageQuery,
        response: { 200: Page(MemberSchema, 'Member'), ...problemResponses },
      },
    },
    async (request) => app.ctx.access.listMembers(principalOf(request), request.query),
  );

  app.post(
    '/members',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['members'],
        summary: 'Invite a member',
        description:
          'Adds the person (created if new) and returns a one-time sign-in link (24 hours) to hand them. signInUrl is null ' +
          'when they also belong to other workspaces and the caller is not a service administrator: they sign in as before.',
        operationId: 'inviteMember',
        body: Type.Object(
          {
            email: Type.String({ minLength: 3, maxLength: 254 }),
            name: Type.Optional(Type.String({ maxLength: 100 })),
            role: Role,
          },
          { additionalProperties: false },
        ),
        response: {
          201: Type.Object({
            member: MemberSchema,
            signInUrl: Type.Union([Type.String(), Type.Null()]),
            expiresAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
          }),
          ...problemResponses,
        },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const { member, link } = await app.ctx.access.inviteMember(principal, request.body);
      request.log.info({ userId: member.userId, role: member.role, workspaceId: principal.workspaceId, by: principal.userId, link: link !== null }, 'member invited');
      return reply.code(201).send({ member, signInUrl: link?.url ?? null, expiresAt: link?.expiresAt ?? null });
    },
  );

  app.patch(
    '/members/:userId',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['members'],
        summary: 'Change a member\'s role',
        description: 'Refused (409) when it would leave the workspace without an administrator.',
        operationId: 'changeMemberRole',
        params: UserIdParams,
        body: Type.Object({ role: Role }, { additionalProperties: false }),
        response: { 200: MemberSchema, ...problemResponses },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const member = await app.ctx.access.changeMemberRole(principal, request.params.userId, request.body.role);
      request.log.info({ userId: member.userId, role: member.role, workspaceId: principal.workspaceId, by: principal.userId }, 'member role changed');
      return member;
    },
  );

  app.delete(
    '/members/:userId',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['members'],
        summary: 'Remove a member',
        description: 'Their access to this workspace ends at once, and the API tokens they made in it are revoked. Refused (409) for the last administrator.',
        operationId: 'removeMember',
        params: UserIdParams,
        response: { 204: Type.Null(), ...problemResponses },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      await app.ctx.access.removeMember(principal, request.params.userId);
      request.log.info({ userId: request.params.userId, workspaceId: principal.workspaceId, by: principal.userId }, 'member removed');
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/members/:userId/sign-in-link',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['members'],
        summary: 'Make a new sign-in link for a member',
        description: 'A one-time link (1 hour); their earlier unused links stop working. Only service administrators may make one for someone who also belongs to other workspaces.',
        operationId: 'createMemberSignInLink',
        params: UserIdParams,
        response: { 200: SignInLinkSchema, ...problemResponses },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const link = await app.ctx.access.memberSignInLink(principal, request.params.userId);
      request.log.info({ userId: request.params.userId, workspaceId: principal.workspaceId, by: principal.userId, expiresAt: link.expiresAt }, 'sign-in link made');
      return { signInUrl: link.url, expiresAt: link.expiresAt };
    },
  );
};
