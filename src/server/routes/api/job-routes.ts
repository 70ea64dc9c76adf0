// Background jobs of the caller's workspace: follow them (state, progress, result), cancel them, and download what a
// snapshot job made. Jobs are started by the routes of what they work on (POST .../fetch, POST .../snapshots).
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { jobDownloadExpired, jobNoDownload, jobNotFinished } from '../../../jobs/job-errors.js';
import { SNAPSHOT_RETENTION_HOURS, snapshotFile } from '../../../jobs/snapshot-files.js';
import { principalOf } from '../../fastify-types.js';
import { Page, PageQuery } from '../../paging.js';
import { problemResponses } from '../../schemas/common-schema.js';
import { JobKindSchema, JobSchema, JobStateSchema } from '../../schemas/job-schema.js';

const TAGS = ['jobs'];

const JobParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 100, description: 'The job\'s id.' }) });

const JobListQuery = Type.Composite([PageQuery, Type.Object({ kind: Type.Optional(JobKindSchema), state: Type.Optional(JobStateSchema) })], {
  additionalProperties: false,
});

/** A file name in Content-Disposition, for old clients (quoted ASCII) and new ones (RFC 5987, UTF-8). */
function attachment(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}

export const jobRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/jobs',
    {
      schema: {
        tags: TAGS,
        summary: 'List jobs',
        description: 'The workspace\'s jobs, newest first; filter by kind and state (e.g. state=running).',
        operationId: 'listJobs',
        querystring: JobListQuery,
        response: { 200: Page(JobSchema, 'Job'), ...problemResponses },
      },
    },
    async (request) => {
      const { limit, cursor, kind, state } = request.query;
      const page = await app.ctx.jobs.list(principalOf(request).workspaceId, {
        ...(limit !== undefined ? { limit } : {}),
        ...(cursor !== undefined ? { cursor } : {}),
        ...(kind !== undefined ? { kind } : {}),
        ...(state !== undefined ? { state } : {}),
      });
      return { items: page.jobs, nextCursor: page.nextCursor };
    },
  );

  app.get(
    '/jobs/:id',
    {
      schema: {
        tags: TAGS,
        summary: 'Get a job',
        description: 'Its state and progress (percent and phase, saved several times a second while it runs), then its result or error.',
        operationId: 'getJob',
        params: JobParams,
        response: { 200: JobSchema, ...problemResponses },
      },
    },
    async (request) => app.ctx.jobs.get(principalOf(request).workspaceId, request.params.id),
  );

  app.post(
    '/jobs/:id/cancel',
    {
      config: { access: 'write' },
      schema: {
        tags: TAGS,
        summary: 'Cancel a job',
        description: 'A queued job never runs; a running one is stopped (git is stopped, a half-written snapshot deleted). A finished job is left as it is.',
        operationId: 'cancelJob',
        params: JobParams,
        response: { 200: JobSchema, ...problemResponses },
      },
    },
    async (request) => app.ctx.jobs.cancel(principalOf(request).workspaceId, request.params.id),
  );

  app.get(
    '/jobs/:id/download',
    {
      schema: {
        tags: TAGS,
        summary: 'Download a snapshot',
        description:
          `The .tar.gz a succeeded snapshot job made, named after the repository and ref. Files are kept ${SNAPSHOT_RETENTION_HOURS} hours; ` +
          'AZDO_JOB_NOT_FINISHED (409) while the job is queued or running.',
        operationId: 'downloadJobFile',
        params: JobParams,
        // A link in a page cannot send X-Azdo-Workspace; the auth plugin reads this instead for GETs.
        querystring: Type.Object({
          workspace: Type.Optional(Type.String({ maxLength: 200, description: 'The workspace of the job, for sessions in several (instead of X-Azdo-Workspace).' })),
        }),
        response: {
          200: {
            description: 'The snapshot archive.',
            content: { 'application/gzip': { schema: { type: 'string', format: 'binary' } } },
          },
          ...problemResponses,
        },
      },
    },
    async (request, reply) => {
      const job = await app.ctx.jobs.get(principalOf(request).workspaceId, request.params.id);
      if (job.kind !== 'snapshot') throw jobNoDownload(job.id, `it is a ${job.kind} job, and only snapshots make a file`);
      if (job.state === 'queued' || job.state === 'running') throw jobNotFinished(job.id, job.state);
      if (job.state !== 'succeeded') throw jobNoDownload(job.id, `it ${job.state === 'failed' ? 'failed' : 'was cancelled'}`);
      const file = snapshotFile(app.ctx.config.dataDir, job.id);
      const info = await stat(file).catch(() => undefined);
      if (!info?.isFile()) throw jobDownloadExpired(job.id, SNAPSHOT_RETENTION_HOURS);
      const result = (job.result ?? {}) as { fileName?: unknown };
      const fileName = typeof result.fileName === 'string' ? result.fileName : `snapshot-${job.id}.tar.gz`;
      return reply
        .type('application/gzip')
        .header('content-length', info.size)
        .header('content-disposition', attachment(fileName))
        // The archive is the repository's code: no shared cache keeps a copy.
        .header('cache-control', 'private, no-store')
        .send(createReadStream(file));
    },
  );
};
