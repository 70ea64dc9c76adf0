// Which repositories a connection may be used for: every one, or a list. A repository left out is invisible to
// everything that uses the connection (AZDO_REPOSITORY_NOT_SELECTED). Names are looked up in Azure DevOps when
// chosen and kept by id, so a renamed repository stays selected.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { AzdoError } from '../../../../errors/azdo-error.js';
import { getRepositorySelection, selectRepositories, type SelectionChange } from '../../../../repositories/selection.js';
import { REQUEST_INVALID } from '../../../plugins/error-handling.js';
import { ConnectionParams, problemResponses } from '../../../schemas/common-schema.js';
import { SelectionBodySchema, SelectionChangeBodySchema, SelectionSchema } from '../../../schemas/repository-schema.js';
import { connectionsOf } from '../route-helpers.js';

const TAGS = ['repositories'];

function repositoriesMissing(): AzdoError {
  return new AzdoError(REQUEST_INVALID, 'A selection in mode "list" needs its repositories.', 'Send {"mode": "list", "repositories": ["project/name", ...]}, or {"mode": "all"}.', {
    field: 'repositories',
  });
}

export const selectionRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const schema = (operationId: string, summary: string) => ({
    tags: TAGS,
    operationId,
    summary,
    params: ConnectionParams,
    response: { 200: SelectionSchema, ...problemResponses },
  });

  app.get('/connections/:id/selection', { schema: schema('getRepositorySelection', 'The connection\'s repository selection') }, async (request) => {
    const connections = connectionsOf(request);
    return getRepositorySelection(connections, await connections.describeConnection(request.params.id));
  });

  app.put(
    '/connections/:id/selection',
    { schema: { ...schema('setRepositorySelection', 'Allow every repository, or exactly those listed'), body: SelectionBodySchema } },
    async (request) => {
      const { mode, repositories } = request.body;
      if (mode === 'list' && repositories === undefined) throw repositoriesMissing();
      const change: SelectionChange = mode === 'all' ? { all: true } : { repositories: repositories ?? [] };
      const connections = connectionsOf(request);
      return selectRepositories(connections, (await connections.describeConnection(request.params.id)).id, change);
    },
  );

  for (const action of ['add', 'remove'] as const) {
    app.post(
      `/connections/:id/selection/${action}`,
      {
        schema: {
          ...schema(
            action === 'add' ? 'addToRepositorySelection' : 'removeFromRepositorySelection',
            action === 'add' ? 'Add repositories to the selection (nothing changes in mode all)' : 'Take repositories out of the selection (mode all becomes a list of the others)',
          ),
          body: SelectionChangeBodySchema,
        },
      },
      async (request) => {
        const connections = connectionsOf(request);
        const id = (await connections.describeConnection(request.params.id)).id;
        return selectRepositories(connections, id, action === 'add' ? { add: request.body.repositories } : { remove: request.body.repositories });
      },
    );
  }
};
