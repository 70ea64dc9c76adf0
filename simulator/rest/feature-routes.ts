import type { FastifyInstance } from 'fastify';
import type { SimulatorContext } from '../runtime/context.js';
import { sendJson } from '../http/ado-request.js';

const FIELDS = [
  { name: 'ID', referenceName: 'System.Id', type: 'integer', usage: 'workItem', readOnly: true },
  { name: 'Title', referenceName: 'System.Title', type: 'string', usage: 'workItem', readOnly: false },
  { name: 'State', referenceName: 'System.State', type: 'string', usage: 'workItem', readOnly: false },
  { name: 'Work Item Type', referenceName: 'System.WorkItemType', type: 'string', usage: 'workItem', readOnly: true },
];
const TYPES = ['Epic', 'Feature', 'User Story', 'Task', 'Bug'];

/**
 * The build, work item, service hook and audit areas, so far only as much as a client needs to find out which
 * features a credential allows: each answers with the scopes Azure DevOps requires (vso.build, vso.work, vso.hooks,
 * vso.auditlog) and an empty or fixed list. Builds, work items and hooks proper come with their own issues.
 */
export async function featureRoutes(app: FastifyInstance, _ctx: SimulatorContext): Promise<void> {
  const build = { ado: { scopes: ['vso.build'] } };
  app.get('/:project/_apis/build/definitions', { config: build }, async (_request, reply) => sendJson(reply, { count: 0, value: [] }));
  app.get('/:project/_apis/build/builds', { config: build }, async (_request, reply) => sendJson(reply, { count: 0, value: [] }));

  const work = { ado: { scopes: ['vso.work'] } };
  app.get('/_apis/wit/fields', { config: work }, async (request, reply) =>
    sendJson(reply, { count: FIELDS.length, value: FIELDS.map((f) => ({ ...f, url: `${request.ado.baseUrl}/_apis/wit/fields/${f.referenceName}` })) }),
  );
  app.get('/:project/_apis/wit/workitemtypes', { config: work }, async (request, reply) =>
    sendJson(reply, {
      count: TYPES.length,
      value: TYPES.map((name) => ({
        name,
        referenceName: `Microsoft.VSTS.WorkItemTypes.${name.replace(/\s/g, '')}`,
        isDisabled: false,
        url: `${request.ado.baseUrl}/${request.ado.project!.id}/_apis/wit/workItemTypes/${encodeURIComponent(name)}`,
      })),
    }),
  );

  app.get('/_apis/hooks/subscriptions', { config: { ado: { scopes: ['vso.hooks'] } } }, async (_request, reply) => sendJson(reply, { count: 0, value: [] }));

  // Audit needs a scope that only full-access tokens tend to have, which is how clients spot an over-broad token.
  app.get('/_apis/audit/auditlog', { config: { ado: { scopes: ['vso.auditlog'] } } }, async (_request, reply) =>
    sendJson(reply, { decoratedAuditLogEntries: [], continuationToken: null, hasMore: false }),
  );
}
