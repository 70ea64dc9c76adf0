// Fetches and snapshots take seconds to minutes, so they run as jobs: these routes check the repository (it exists,
// the selection includes it, its content is readable) and queue the work; GET /api/v1/jobs/{id} follows it.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { JsonValue } from '../../../../store/columns.js';
import { identifyMirror } from '../../../../repositories/mirror-identity.js';
import { principalOf } from '../../../fastify-types.js';
import { problemResponses } from '../../../schemas/common-schema.js';
import { JobSchema } from '../../../schemas/job-schema.js';
import { FetchBodySchema, RepositoryParams, SnapshotBodySchema } from '../../../schemas/repository-schema.js';
import { connectionsOf, createdByOf, emptyBodyAsObject } from '../route-helpers.js';
import { requestTarget } from './repository-target.js';

const TAGS = ['repositories'];

export const repositoryJobRoutes: FastifyPluginAsyncTypebox = async (app) => {
  /** The repository as a job's input names it: by id (survives renames) and by names (for people and for SSH). */
  const repositoryOf = async (request: Parameters<typeof requestTarget>[0]) => {
    const target = await requestTarget(request);
    const identity = await identifyMirror(connectionsOf(request), target, { dataDir: app.ctx.config.dataDir });
    return { connectionId: target.connection.id, repository: { id: identity.repositoryId, project: identity.project, name: identity.name } };
  };

  app.post(
    '/connections/:id/repositories/:repo/fetch',
    {
      schema: {
        tags: TAGS,
        operationId: 'fetchRepository',
        summary: 'Fetch the repository\'s mirror (a clone the first time, incremental after) as a job',
        params: RepositoryParams,
        body: FetchBodySchema,
        response: { 202: JobSchema, ...problemResponses },
      },
      preValidation: emptyBodyAsObject,
    },
    async (request, reply) => {
      const { connectionId, repository } = await repositoryOf(request);
      const input: JsonValue = { connectionId, repository, ...(request.body.filter ? { filter: request.body.filter } : {}) };
      const job = await app.ctx.jobs.enqueue({ workspaceId: principalOf(request).workspaceId, kind: 'fetch', input, createdBy: createdByOf(request) });
      return reply.code(202).header('location', `/api/v1/jobs/${job.id}`).send(job);
    },
  );

  app.post(
    '/connections/:id/repositories/:repo/snapshots',
    {
      schema: {
        tags: TAGS,
        operationId: 'createSnapshot',
        summary: 'Make a .tar.gz of the repository at a ref (honouring .azdoignore, with submodules) as a job; download it from the job',
        params: RepositoryParams,
        body: SnapshotBodySchema,
        response: { 202: JobSchema, ...problemResponses },
      },
      preValidation: emptyBodyAsObject,
    },
    async (request, reply) => {
      const { connectionId, repository } = await repositoryOf(request);
      const input: JsonValue = { connectionId, repository, ...(request.body.ref !== undefined ? { ref: request.body.ref } : {}) };
      const job = await app.ctx.jobs.enqueue({ workspaceId: principalOf(request).workspaceId, kind: 'snapshot', input, createdBy: createdByOf(request) });
      return reply.code(202).header('location', `/api/v1/jobs/${job.id}`).send(job);
    },
  );
};
