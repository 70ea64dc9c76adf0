import type { FastifyInstance } from 'fastify';
import type { SimulatorContext } from '../runtime/context.js';
import { sendJson } from '../http/ado-request.js';
import { apiVersionRange } from '../http/api-version.js';
import type { Host } from '../state/model.js';
import { LOCATIONS, RESOURCE_AREAS, type ApiResourceLocation } from './locations.js';

/** Locations advertise the host's version range, so a client negotiating versions learns how old a Server is. */
function locationsFor(host: Host, area?: string): ApiResourceLocation[] {
  const range = apiVersionRange(host);
  return LOCATIONS.filter((l) => area === undefined || l.area.toLowerCase() === area.toLowerCase()).map((l) => ({
    ...l,
    maxVersion: range.max,
    releasedVersion: range.released,
  }));
}
import { identityReference, descriptorOf } from './shapes.js';

/** Location service under an organization or collection: OPTIONS _apis/{area}, ResourceAreas, connectionData. */
export async function locationRoutes(app: FastifyInstance, ctx: SimulatorContext): Promise<void> {
  const anonymous = { ado: { anonymous: true, noApiVersion: true } };

  app.options('/_apis', { config: anonymous }, async (request, reply) => {
    const value = locationsFor(request.ado.host);
    return sendJson(reply, { count: value.length, value });
  });
  app.options<{ Params: { area: string } }>('/_apis/:area', { config: anonymous }, async (request, reply) => {
    const value = locationsFor(request.ado.host, request.params.area);
    return sendJson(reply, { count: value.length, value });
  });

  app.get('/_apis/ResourceAreas', { config: { ado: { anonymous: true } } }, async (request, reply) => {
    // Azure DevOps Server answers with an empty list, and the official client then uses the collection URL.
    if (request.ado.host.kind === 'server') return sendJson(reply, { count: 0, value: null });
    const value = RESOURCE_AREAS.map((a) => ({
      id: a.id,
      name: a.name,
      locationUrl: a.onProfileHost ? `${request.ado.origin}/` : `${request.ado.baseUrl}/`,
    }));
    return sendJson(reply, { count: value.length, value });
  });

  app.get<{ Params: { areaId: string } }>('/_apis/ResourceAreas/:areaId', { config: { ado: { anonymous: true } } }, async (request, reply) => {
    const area = RESOURCE_AREAS.find((a) => a.id === request.params.areaId.toLowerCase());
    if (!area) return reply.code(404).send();
    return sendJson(reply, {
      id: area.id,
      name: area.name,
      locationUrl: area.onProfileHost ? request.ado.origin : request.ado.baseUrl,
    });
  });

  app.get('/_apis/connectionData', { config: { ado: {} } }, async (request, reply) => {
    const { host, identity } = request.ado;
    const state = ctx.store.state;
    const ref = identityReference(state, request.ado, identity!.id);
    const user = {
      id: identity!.id,
      descriptor: `Microsoft.IdentityModel.Claims.ClaimsIdentity;${host.tenantId}\\${String(ref['uniqueName'])}`,
      subjectDescriptor: descriptorOf(identity!.id, identity!.kind === 'user' ? 'aad' : 'aadsp'),
      providerDisplayName: ref['displayName'],
      isActive: true,
      properties: { Account: { $type: 'System.String', $value: ref['uniqueName'] } },
      resourceVersion: 2,
      metaTypeId: 0,
    };
    return sendJson(reply, {
      authenticatedUser: user,
      authorizedUser: user,
      instanceId: host.id,
      deploymentId: state.instanceId,
      deploymentType: host.kind === 'services' ? 'hosted' : 'onPremises',
      locationServiceData: {
        serviceOwner: '00025394-6065-48ca-87d9-7f5672854ef7',
        defaultAccessMappingMoniker: 'PublicAccessMapping',
        lastChangeId: 1,
        lastChangeId64: 1,
        // Server reports the public URL it was configured with, which may be wrong (http://localhost): tools
        // that build links from it break, and the doctor of azdo-connect flags it.
        accessMappings: [
          {
            displayName: 'Public Access Mapping',
            moniker: 'PublicAccessMapping',
            accessPoint: host.kind === 'server' && host.publicUrl ? host.publicUrl : request.ado.baseUrl,
          },
        ],
      },
      webApplicationRelativeDirectory: `${request.ado.mount}/${host.name}/`,
    });
  });
}
