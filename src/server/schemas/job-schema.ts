// A background job (fetch, snapshot) as the API returns it: src/jobs/job-queue.ts's Job. Input and result are JSON
// the job's kind defines; neither ever holds a secret.
import { Type } from '@sinclair/typebox';
import { DateTime, Nullable } from './common-schema.js';

export const JobKindSchema = Type.Union([Type.Literal('fetch'), Type.Literal('snapshot')], {
  description: 'fetch: clone or update the repository\'s mirror; snapshot: a .tar.gz of one commit, downloaded from the job.',
});

export const JobStateSchema = Type.Union(
  [Type.Literal('queued'), Type.Literal('running'), Type.Literal('succeeded'), Type.Literal('failed'), Type.Literal('cancelled')],
  { description: 'queued → running → succeeded | failed | cancelled. A running job interrupted by a restart is queued again.' },
);

export const JobProgressSchema = Type.Object(
  {
    percent: Nullable(Type.Number({ minimum: 0, maximum: 100, description: '0-100 of the current phase, or null while the total is unknown.' })),
    phase: Type.String({ description: 'What the job is doing: queued, connecting, receiving objects, resolving deltas, indexing commits (fetch), archiving files and saving the archive (snapshot), done, ...' }),
  },
  { title: 'JobProgress' },
);

export const JobErrorSchema = Type.Object(
  {
    code: Type.String({ description: 'Stable code (docs/errors.md), e.g. AZDO_REPOSITORY_NOT_FOUND.' }),
    message: Type.String(),
    hint: Type.String({ description: 'How to fix it.' }),
  },
  { title: 'JobError' },
);

export const JobSchema = Type.Object(
  {
    id: Type.String(),
    workspaceId: Type.String(),
    kind: JobKindSchema,
    state: JobStateSchema,
    input: Type.Unknown({ description: 'What to do: {connectionId, repository: {id, project, name}, filter?} (fetch) or {..., ref?} (snapshot).' }),
    progress: Nullable(JobProgressSchema),
    result: Type.Unknown({
      description:
        'Once succeeded (null before). fetch: the mirror (status, lastFetchedAt, created, empty, ...); snapshot: ' +
        '{bytes, commitId, ref, files, submodules, fileName, ...}, the file itself at GET /api/v1/jobs/{id}/download.',
    }),
    error: Nullable(JobErrorSchema),
    attempts: Type.Integer({ description: 'How many times it was started: more than 1 after a restart interrupted it.' }),
    createdBy: Nullable(Type.String({ description: '"user:{id}" or "token:{id}".' })),
    createdAt: DateTime('When it was queued.'),
    updatedAt: DateTime('Last change of state or progress.'),
    startedAt: Nullable(DateTime('When its current run started.')),
    finishedAt: Nullable(DateTime('When it succeeded, failed or was cancelled.')),
  },
  { title: 'Job' },
);
