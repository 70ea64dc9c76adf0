// Removing a connection: first what stops working, then the removal itself, which must name the connection in
// `?confirm=` (the API's "type the name to confirm"), so a stray DELETE cannot remove one by accident.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { AzdoError } from '../../../../errors/azdo-error.js';
import { listMirrors } from '../../../../store/mirrors-repo.js';
import { ConnectionParams, problemResponses } from '../../../schemas/common-schema.js';
import { ConnectionRemovedSchema, RemovalImpactSchema } from '../../../schemas/connection-schema.js';
import { connectionsOf } from '../route-helpers.js';
import { removalConsequence } from '../../../../connections/removal-consequence.js';
import { cleanUpRemoved, removalImpact } from './removal-impact.js';

const TAGS = ['connections'];

export const CONNECTION_REMOVE_UNCONFIRMED = 'AZDO_CONNECTION_REMOVE_UNCONFIRMED';

function unconfirmed(name: string, given: string | undefined): AzdoError {
  const message =
    given === undefined
      ? `Removing connection '${name}' needs confirmation: its name in ?confirm=.`
      : `The confirmation "${given.slice(0, 100)}" is not the name of connection '${name}'; nothing was removed.`;
  return new AzdoError(CONNECTION_REMOVE_UNCONFIRMED, message, `Check what stops working (GET .../removal-impact), then send DELETE again with ?confirm=${encodeURIComponent(name)}.`, {
    field: 'confirm',
  });
}

export const connectionRemovalRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/connections/:id/removal-impact',
    {
      schema: {
        tags: TAGS,
        operationId: 'getConnectionRemovalImpact',
        summary: 'What stops working if the connection is removed: repositories, mirrors, jobs, the credential',
        params: ConnectionParams,
        response: { 200: RemovalImpactSchema, ...problemResponses },
      },
    },
    async (request) => {
      const connections = connectionsOf(request);
      const view = await connections.describeConnection(request.params.id);
      return removalImpact(connections, { jobs: app.ctx.jobs, dataDir: app.ctx.config.dataDir, view });
    },
  );

  app.delete(
    '/connections/:id',
    {
      schema: {
        tags: TAGS,
        operationId: 'removeConnection',
        summary: 'Remove a connection with its secrets, repository selection, mirrors and unfinished jobs',
        params: ConnectionParams,
        querystring: Type.Object({
          confirm: Type.Optional(Type.String({ maxLength: 200, description: 'The connection\'s name (any case): required.' })),
        }),
        response: { 200: ConnectionRemovedSchema, ...problemResponses },
      },
    },
    async (request) => {
      const connections = connectionsOf(request);
      const view = await connections.describeConnection(request.params.id);
      const given = request.query.confirm;
      if (given === undefined || given.trim().toLowerCase() !== view.name.toLowerCase()) throw unconfirmed(view.name, given);
      const mirrors = await listMirrors(connections.store.db, view.id);
      // The version read above: a connection changed meanwhile is not removed unseen (409).
      const removed = await connections.removeConnection(view.id, { expectedVersion: view.version });
      const { jobsCancelled } = await cleanUpRemoved({ jobs: app.ctx.jobs, workspaceId: connections.workspaceId, dataDir: app.ctx.config.dataDir, connectionId: view.id });
      return {
        removed: { id: removed.id, name: removed.name, url: removed.url },
        mirrorsRemoved: mirrors.length,
        jobsCancelled,
        consequence: removalConsequence(removed),
      };
    },
  );
};
