import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { SimulatorContext } from '../runtime/context.js';
import { AdoErrors, sendAdoError } from '../http/ado-errors.js';
import { originOf, sendJson, sendSignInPage } from '../http/ado-request.js';
import { authenticate, hasAnyScope, isMember, type Identity } from '../http/authenticate.js';
import { findHost } from '../state/lookup.js';
import { LOCATIONS, RESOURCE_AREAS } from './locations.js';

/**
 * Host-less endpoints. In Azure DevOps they live on app.vssps.visualstudio.com (profile, accounts) and on
 * dev.azure.com itself (anonymous resource-area lookup); the simulator serves them at its root.
 */
export async function profileRoutes(app: FastifyInstance, ctx: SimulatorContext): Promise<void> {
  const signedIn = async (request: FastifyRequest, reply: FastifyReply): Promise<Identity | undefined> => {
    const origin = originOf(request, ctx.settings.tls);
    const outcome = await authenticate(ctx.store.state, ctx.entraKey, request.headers.authorization, undefined, origin);
    const suppress = String(request.headers['x-tfs-fedauthredirect'] ?? '').toLowerCase() === 'suppress';
    if (!outcome.ok) {
      if (!suppress) {
        await sendSignInPage(reply, origin);
      } else {
        await sendAdoError(reply, 'anonymous' in outcome ? AdoErrors.unauthorized('') : outcome.error);
      }
      return undefined;
    }
    const identity = outcome.identity;
    // Profile and accounts need a PAT made for "All accessible organizations" (FACTS §2.13).
    if (identity.kind === 'user' && !identity.pat.allOrgs) {
      await sendAdoError(reply, AdoErrors.unauthorized(identity.id));
      return undefined;
    }
    if (!hasAnyScope(identity, ['vso.profile'])) {
      await sendAdoError(reply, AdoErrors.unauthorized(identity.id));
      return undefined;
    }
    return identity;
  };

  app.get('/_signin', async (request, reply) => sendSignInPage(reply, originOf(request, ctx.settings.tls)));

  app.options<{ Params: { area: string } }>('/_apis/:area', async (request, reply) => {
    const value = LOCATIONS.filter((l) => l.area.toLowerCase() === request.params.area.toLowerCase());
    return sendJson(reply, { count: value.length, value });
  });

  app.get<{ Params: { id: string } }>('/_apis/profile/profiles/:id', async (request, reply) => {
    const identity = await signedIn(request, reply);
    if (!identity) return reply;
    if (request.params.id !== 'me' && request.params.id !== identity.id) throw AdoErrors.notFound('The profile was not found.', 'ProfileNotFoundException');
    const state = ctx.store.state;
    const user = identity.kind === 'user' ? identity.user : undefined;
    return sendJson(reply, {
      displayName: user?.displayName ?? (identity.kind === 'servicePrincipal' ? identity.principal.displayName : ''),
      publicAlias: identity.id,
      emailAddress: user?.uniqueName ?? '',
      coreRevision: 1,
      timeStamp: user?.createdDate ?? state.servicePrincipals.find((p) => p.id === identity.id)?.createdDate,
      id: identity.id,
      revision: 1,
    });
  });

  app.get('/_apis/accounts', async (request, reply) => {
    const identity = await signedIn(request, reply);
    if (!identity) return reply;
    const query = request.query as Record<string, string | undefined>;
    const memberId = query['memberId'] ?? query['ownerId'];
    if (!memberId) throw AdoErrors.invalidArgumentValue('memberId', 'Either memberId or ownerId must be specified.');
    if (memberId !== identity.id) return sendJson(reply, { count: 0, value: [] });
    const origin = originOf(request, ctx.settings.tls);
    const value = ctx.store.state.hosts
      .filter((h) => h.kind === 'services' && isMember(h, memberId))
      .map((h) => ({ accountId: h.id, accountUri: `${origin}/${h.name}/`, accountName: h.name, properties: {} }));
    return sendJson(reply, { count: value.length, value });
  });

  // Anonymous: which URL serves an area for an organization (FACTS §1.1).
  app.get<{ Params: { areaId: string } }>('/_apis/resourceAreas/:areaId', async (request, reply) => {
    const query = request.query as Record<string, string | undefined>;
    const area = RESOURCE_AREAS.find((a) => a.id === request.params.areaId.toLowerCase());
    const hostName = query['accountName'] ?? query['hostId'];
    const host = hostName === undefined ? undefined : findHost(ctx.store.state, hostName);
    if (!area || !host || host.kind !== 'services') return reply.code(404).type('application/json').send('null');
    const origin = originOf(request, ctx.settings.tls);
    return sendJson(reply, { id: area.id, name: area.name, locationUrl: area.onProfileHost ? origin : `${origin}/${host.name}` });
  });
}
