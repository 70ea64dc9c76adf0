// Signing in and out, and what the signed-in caller is: the web UI's first request.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { SESSION_COOKIE } from '../../../access/principal.js';
import { AzdoError } from '../../../errors/azdo-error.js';
import { principalOf } from '../../fastify-types.js';
import { RATE_LIMITED } from '../../plugins/error-handling.js';
import { clearSessionCookie, setSessionCookie } from '../../plugins/session-cookie.js';
import { UserSchema, WorkspaceSchema, problemResponses } from './access-schemas.js';

/** Failed sign-ins per minute and client address; then 429 until the minute is over. */
export const SIGN_IN_FAILURES_PER_MINUTE = 10;
/** All sign-ins per minute and client address: bounds bursts that race the failure count. */
export const SIGN_IN_ATTEMPTS_PER_MINUTE = 60;

export const sessionRoutes: FastifyPluginAsyncTypebox = async (app) => {
  // Its own key: the route's limit above counts every attempt from the same address.
  const failures = app.createRateLimit({ max: SIGN_IN_FAILURES_PER_MINUTE, timeWindow: 60_000, keyGenerator: (request) => `sign-in-failures|${request.ip}` });
  const publicUrl = app.ctx.config.publicUrl;

  app.post(
    '/sign-in',
    {
      config: { access: 'public', rateLimit: { max: SIGN_IN_ATTEMPTS_PER_MINUTE, timeWindow: 60_000, groupId: 'sign-in' } },
      schema: {
        tags: ['session'],
        summary: 'Sign in with a one-time sign-in link',
        description:
          'Takes the token from a sign-in link (the part after #token=), opens a session and sets the azdo_session cookie. ' +
          `Each link works once. ${SIGN_IN_FAILURES_PER_MINUTE} failed attempts per minute and address, then 429.`,
        operationId: 'signIn',
        body: Type.Object({ token: Type.String({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false }),
        response: {
          200: Type.Object({
            user: UserSchema,
            expiresAt: Type.String({ format: 'date-time', description: 'When the session ends unless used; each use moves it on, up to 7 days after sign-in.' }),
          }),
          ...problemResponses,
        },
      },
    },
    async (request, reply) => {
      const before = await failures(request, { increment: false });
      if (!before.isAllowed && before.remaining <= 0) {
        reply.header('retry-after', String(before.ttlInSeconds));
        throw new AzdoError(RATE_LIMITED, 'Too many failed sign-in attempts from this address.', `Wait ${before.ttlInSeconds} seconds, then open the link again.`, {
          retryAfterSeconds: before.ttlInSeconds,
        });
      }
      let session;
      try {
        session = await app.ctx.access.signIn(request.body.token);
      } catch (error) {
        await failures(request);
        request.log.info({ code: error instanceof AzdoError ? error.code : 'unexpected' }, 'sign-in refused');
        throw error;
      }
      // Signing in again replaces the session this browser had.
      const previous = request.cookies[SESSION_COOKIE];
      if (previous) await app.ctx.access.signOut(previous);
      setSessionCookie(reply, publicUrl, session.token, session.maxExpiresAt);
      request.log.info({ userId: session.user.id, expiresAt: session.expiresAt }, 'signed in');
      return { user: session.user, expiresAt: session.expiresAt };
    },
  );

  app.post(
    '/sign-out',
    {
      // Public, so a session that has already ended can still clear its cookie; it only ever ends a session.
      config: { access: 'public' },
      schema: {
        tags: ['session'],
        summary: 'Sign out',
        description: 'Ends the session of the azdo_session cookie (if any) and clears the cookie.',
        operationId: 'signOut',
        response: { 204: Type.Null(), ...problemResponses },
      },
    },
    async (request, reply) => {
      const token = request.cookies[SESSION_COOKIE];
      if (token) {
        await app.ctx.access.signOut(token);
        request.log.info('signed out');
      }
      clearSessionCookie(reply, publicUrl);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/session',
    {
      schema: {
        tags: ['session'],
        summary: 'Who is signed in',
        description:
          'The caller, the workspace this request acts in (X-Azdo-Workspace chooses another), the workspaces to choose from, ' +
          'and the CSRF token that every unsafe request of this session must send as X-CSRF-Token (empty for API tokens: they need none).',
        operationId: 'getSession',
        response: {
          200: Type.Object({
            user: UserSchema,
            workspace: WorkspaceSchema,
            workspaces: Type.Array(WorkspaceSchema),
            csrfToken: Type.String(),
            via: Type.Union([Type.Literal('session'), Type.Literal('token')]),
            scope: Type.Union([Type.Literal('read'), Type.Literal('write'), Type.Literal('admin')], { description: 'What this caller may do in the workspace.' }),
          }),
          ...problemResponses,
        },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const me = await app.ctx.access.me(principal);
      return { ...me, csrfToken: app.ctx.access.csrfToken(principal), via: principal.via, scope: principal.scope };
    },
  );
};
