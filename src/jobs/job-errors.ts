// The errors of background jobs, as users meet them in the API and in a job's `error`.
import { AzdoError } from '../errors/azdo-error.js';
import { UNEXPECTED } from '../errors/error-category.js';
import type { JobError } from './job-queue.js';

export const JobErrorCodes = {
  notFound: 'AZDO_JOB_NOT_FOUND',
  notFinished: 'AZDO_JOB_NOT_FINISHED',
  noDownload: 'AZDO_JOB_NO_DOWNLOAD',
  downloadExpired: 'AZDO_JOB_DOWNLOAD_EXPIRED',
  kindInvalid: 'AZDO_JOB_KIND_INVALID',
  inputInvalid: 'AZDO_JOB_INPUT_INVALID',
  queueUnavailable: 'AZDO_JOB_QUEUE_UNAVAILABLE',
} as const;

export function jobNotFound(id: string): AzdoError {
  return new AzdoError(
    JobErrorCodes.notFound,
    `There is no job ${id} in this workspace.`,
    'Check the job id (GET /api/v1/jobs lists the workspace\'s jobs); jobs of other workspaces are not visible from this one.',
    { jobId: id },
  );
}

export function jobNotFinished(id: string, state: string): AzdoError {
  return new AzdoError(
    JobErrorCodes.notFinished,
    `Job ${id} is ${state}: its file is not ready yet.`,
    'Wait until GET /api/v1/jobs/{id} says succeeded, then download it.',
    { jobId: id },
  );
}

export function jobNoDownload(id: string, why: string): AzdoError {
  return new AzdoError(
    JobErrorCodes.noDownload,
    `Job ${id} has no file to download: ${why}.`,
    'Only a succeeded snapshot job has a download; start a new snapshot if this one failed or was cancelled.',
    { jobId: id },
  );
}

export function jobDownloadExpired(id: string, hours: number): AzdoError {
  return new AzdoError(
    JobErrorCodes.downloadExpired,
    `The snapshot of job ${id} was deleted: snapshot files are kept for ${hours} hours.`,
    'Start a new snapshot of the repository and download it within that time.',
    { jobId: id },
  );
}

export function jobKindInvalid(kind: string, known: readonly string[]): AzdoError {
  return new AzdoError(
    JobErrorCodes.kindInvalid,
    `"${kind}" is not a kind of job this service runs.`,
    `Use one of: ${known.join(', ')}.`,
    { field: 'kind' },
  );
}

export function jobInputInvalid(kind: string, what: string): AzdoError {
  return new AzdoError(
    JobErrorCodes.inputInvalid,
    `The ${kind} job's input is not valid: ${what}.`,
    'Start the job again through the API (POST .../fetch or .../snapshots), which fills the input in.',
    { field: 'input' },
  );
}

/** pg-boss could not set up (its schema, tables or queues): the driver's words stay in the log. */
export function jobQueueUnavailable(schema: string): AzdoError {
  return new AzdoError(
    JobErrorCodes.queueUnavailable,
    `The job queue (pg-boss, in PostgreSQL schema "${schema}") could not be set up.`,
    `The database user needs to create schema "${schema}" and tables in it (or have them created once by a user who may); the service log says what PostgreSQL answered.`,
  );
}

/** What a failed job records: our errors as they are, anything else without internals (the log has those). */
export function jobErrorOf(error: unknown): JobError {
  if (error instanceof AzdoError) return { code: error.code, message: error.message, hint: error.hint };
  return {
    code: UNEXPECTED,
    message: 'Something went wrong inside azdo-connect while running this job.',
    hint: 'Start it again; if it keeps failing, report it with the job id (the service log has the details).',
  };
}
