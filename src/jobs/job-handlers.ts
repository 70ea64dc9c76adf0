// What the service's jobs do: fetch a repository's mirror, or write a snapshot of one commit for download. Both use
// the library as the CLI does (repo fetch, repo snapshot); here git's progress, and the archive's, go to the job
// instead of a bar.
import { rename, rm } from 'node:fs/promises';
import type { ConnectionService } from '../connections/connection-service.js';
import type { FetchProgress } from '../git/git-progress.js';
import type { ArchiveProgress } from '../git/snapshot.js';
import { fetchRepository } from '../repositories/mirror-service.js';
import { isRealRepositoryId } from '../repositories/mirror-identity.js';
import type { RepositoryTarget } from '../repositories/repository-target.js';
import { snapshotRepository } from '../repositories/snapshot-service.js';
import type { ServiceContext } from '../server/service-context.js';
import type { JsonValue } from '../store/columns.js';
import { getMirror } from '../store/mirrors-repo.js';
import { jobInputInvalid } from './job-errors.js';
import type { JobContext, JobHandler, JobKind, JobProgress } from './job-queue.js';
import { ensureSnapshotsDir, partialSnapshotFile, snapshotFile, snapshotFileName } from './snapshot-files.js';

/** A repository as a job names it: by Azure DevOps' id, by project and name, or both. */
export interface JobRepository {
  id?: string;
  project?: string;
  name?: string;
}

export interface FetchJobInput {
  connectionId: string;
  repository: JobRepository;
  filter?: 'blob:none';
}

export interface SnapshotJobInput {
  connectionId: string;
  repository: JobRepository;
  /** Branch, tag or full commit id; default: the repository's default branch. */
  ref?: string;
}

const text = (v: unknown): v is string => typeof v === 'string' && v.trim() !== '';

function readCommon(kind: JobKind, input: JsonValue): { connectionId: string; repository: JobRepository; raw: Record<string, unknown> } {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw jobInputInvalid(kind, 'it is not an object');
  const raw = input as Record<string, unknown>;
  if (!text(raw.connectionId)) throw jobInputInvalid(kind, 'connectionId is missing');
  const r = raw.repository as Record<string, unknown> | null | undefined;
  if (typeof r !== 'object' || r === null) throw jobInputInvalid(kind, 'repository is missing');
  const repository: JobRepository = {
    ...(text(r.id) ? { id: r.id } : {}),
    ...(text(r.project) ? { project: r.project } : {}),
    ...(text(r.name) ? { name: r.name } : {}),
  };
  const named = repository.project !== undefined && repository.name !== undefined;
  if (!named && !(repository.id !== undefined && isRealRepositoryId(repository.id))) {
    throw jobInputInvalid(kind, 'the repository needs its project and name, or its Azure DevOps id');
  }
  return { connectionId: raw.connectionId, repository, raw };
}

export function readFetchInput(input: JsonValue): FetchJobInput {
  const { connectionId, repository, raw } = readCommon('fetch', input);
  if (raw.filter !== undefined && raw.filter !== null && raw.filter !== 'blob:none') throw jobInputInvalid('fetch', 'filter can only be "blob:none"');
  return { connectionId, repository, ...(raw.filter === 'blob:none' ? { filter: 'blob:none' } : {}) };
}

export function readSnapshotInput(input: JsonValue): SnapshotJobInput {
  const { connectionId, repository, raw } = readCommon('snapshot', input);
  if (raw.ref !== undefined && raw.ref !== null && !text(raw.ref)) throw jobInputInvalid('snapshot', 'ref is not a branch, tag or commit id');
  return { connectionId, repository, ...(text(raw.ref) ? { ref: raw.ref.trim() } : {}) };
}

/**
 * The target the library takes. By id alone, the names come from the mirror's record, else from Azure DevOps when
 * the library looks the id up (an organization-level request needs no project).
 */
async function targetOf(connections: ConnectionService, input: { connectionId: string; repository: JobRepository }): Promise<RepositoryTarget> {
  const connection = await connections.getConnection(input.connectionId);
  const { id, project, name } = input.repository;
  if (project !== undefined && name !== undefined) return { connection, project, repository: name, ...(id ? { repositoryId: id } : {}) };
  const record = await getMirror(connections.store.db, { connectionId: connection.id, repositoryId: id!.toLowerCase() });
  return { connection, project: record?.project ?? '', repository: record?.name ?? id!, repositoryId: id! };
}

/** git's own words ("Receiving objects") as the job's phase, with git's percent of that phase. */
export function progressOfFetch(p: FetchProgress): JobProgress {
  return { percent: p.percent, phase: p.label.toLowerCase() };
}

/** The archive's own phase, in the same words: the files it has read of the tree's. */
export function progressOfArchive(p: ArchiveProgress): JobProgress {
  return { percent: p.percent, phase: 'archiving files' };
}

function gitOptions(ctx: ServiceContext, context: JobContext) {
  return {
    dataDir: ctx.config.dataDir,
    signal: context.signal,
    onProgress: (p: FetchProgress) => context.reportProgress(progressOfFetch(p)),
    onLockWait: () => context.reportProgress({ percent: null, phase: 'waiting for another fetch of this repository' }),
  };
}

export function jobHandlers(getCtx: () => ServiceContext): Record<JobKind, JobHandler> {
  return {
    async fetch(job, context) {
      const input = readFetchInput(job.input);
      const ctx = getCtx();
      const connections = ctx.connectionsFor(job.workspaceId);
      context.reportProgress({ percent: null, phase: 'connecting' });
      const target = await targetOf(connections, input);
      const result = await fetchRepository(connections, target, {
        ...gitOptions(ctx, context),
        ...(input.filter ? { filter: input.filter } : {}),
        // So that the commit lists the service serves from this mirror stay fast on deep pages.
        commitGraph: true,
        onIndexing: () => context.reportProgress({ percent: 100, phase: 'indexing commits' }),
      });
      return { ...result.mirror, created: result.created, empty: result.empty, attempts: result.attempts, durationMs: Math.round(result.durationMs) } as unknown as JsonValue;
    },

    async snapshot(job, context) {
      const input = readSnapshotInput(job.input);
      const ctx = getCtx();
      const connections = ctx.connectionsFor(job.workspaceId);
      context.reportProgress({ percent: null, phase: 'connecting' });
      const target = await targetOf(connections, input);
      await ensureSnapshotsDir(ctx.config.dataDir);
      const partial = partialSnapshotFile(ctx.config.dataDir, job.id);
      try {
        const snapshot = await snapshotRepository(connections, target, input.ref, partial, {
          ...gitOptions(ctx, context),
          onArchiveProgress: (p: ArchiveProgress) => context.reportProgress(progressOfArchive(p)),
        });
        // Writing the archive itself does not watch the signal: a job cancelled meanwhile keeps no file.
        context.signal.throwIfAborted();
        context.reportProgress({ percent: 100, phase: 'saving the archive' });
        await rename(partial, snapshotFile(ctx.config.dataDir, job.id));
        return {
          connection: snapshot.connection,
          project: snapshot.project,
          repository: snapshot.repository,
          ref: snapshot.ref,
          commitId: snapshot.commit,
          bytes: snapshot.size,
          files: snapshot.files,
          skippedPaths: snapshot.skippedPaths,
          ignoreFile: snapshot.ignoreFile,
          submodules: snapshot.submodules,
          fileName: snapshotFileName(snapshot.repository, snapshot.ref),
          durationMs: Math.round(snapshot.durationMs),
        } as unknown as JsonValue;
      } finally {
        await rm(partial, { force: true });
      }
    },
  };
}
