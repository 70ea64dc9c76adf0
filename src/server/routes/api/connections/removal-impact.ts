// What stops working when a connection goes, told before it goes (the same facts the CLI's remove prompt gives, plus
// what the service holds for it), and the clean-up after it went: its unfinished jobs and its mirrors on disk.
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { ConnectionService } from '../../../../connections/connection-service.js';
import type { ConnectionView } from '../../../../connections/connection-view.js';
import { removalConsequence } from '../../../../connections/removal-consequence.js';
import type { Job, JobQueue } from '../../../../jobs/job-queue.js';
import { connectionMirrorsDir, deleteConnectionMirrors } from '../../../../repositories/connection-mirrors.js';
import { getRepositorySelection } from '../../../../repositories/selection.js';
import { listMirrors } from '../../../../store/mirrors-repo.js';
import { MAX_PAGE_SIZE } from '../../../paging.js';

export interface RemovalImpact {
  connection: { id: string; name: string; url: string; version: number };
  credentialType: ConnectionView['credential']['type'];
  consequence: string;
  selection: { mode: 'all' | 'list'; selectedRepositories: number | null };
  mirrors: { count: number; diskBytes: number };
  jobs: { queued: number; running: number };
}

/** Bytes under a folder; a bare mirror is mostly a few pack files, so this is a short walk. */
async function diskBytes(dir: string): Promise<number> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  const sizes = await Promise.all(
    entries.filter((e) => e.isFile()).map((e) => stat(path.join(e.parentPath, e.name)).then((s) => s.size, () => 0)),
  );
  return sizes.reduce((a, b) => a + b, 0);
}

/** Queued and running jobs whose input names the connection. */
export async function unfinishedJobs(jobs: JobQueue, workspaceId: string, connectionId: string): Promise<Job[]> {
  const found: Job[] = [];
  for (const state of ['queued', 'running'] as const) {
    let cursor: string | undefined;
    do {
      const page = await jobs.list(workspaceId, { state, limit: MAX_PAGE_SIZE, ...(cursor !== undefined ? { cursor } : {}) });
      found.push(...page.jobs.filter((j) => (j.input as { connectionId?: unknown } | null)?.connectionId === connectionId));
      cursor = page.nextCursor ?? undefined;
    } while (cursor !== undefined);
  }
  return found;
}

export async function removalImpact(
  connections: ConnectionService,
  o: { jobs: JobQueue; dataDir: string; view: ConnectionView },
): Promise<RemovalImpact> {
  const { view } = o;
  const [selection, mirrors, jobs, bytes] = await Promise.all([
    getRepositorySelection(connections, view),
    listMirrors(connections.store.db, view.id),
    unfinishedJobs(o.jobs, connections.workspaceId, view.id),
    diskBytes(connectionMirrorsDir({ dataDir: o.dataDir }, view.id)),
  ]);
  return {
    connection: { id: view.id, name: view.name, url: view.url, version: view.version },
    credentialType: view.credential.type,
    consequence: removalConsequence(view),
    selection: { mode: selection.mode, selectedRepositories: selection.mode === 'list' ? selection.repositories.length : null },
    mirrors: { count: mirrors.length, diskBytes: bytes },
    jobs: { queued: jobs.filter((j) => j.state === 'queued').length, running: jobs.filter((j) => j.state === 'running').length },
  };
}

/** After the connection is gone: its jobs cannot run any more, and its mirrors would only take space. */
export async function cleanUpRemoved(o: { jobs: JobQueue; workspaceId: string; dataDir: string; connectionId: string }): Promise<{ jobsCancelled: number }> {
  const pending = await unfinishedJobs(o.jobs, o.workspaceId, o.connectionId);
  const cancelled = await Promise.allSettled(pending.map((j) => o.jobs.cancel(o.workspaceId, j.id)));
  // Cancelled first: a fetch still running could otherwise put a mirror back into the folder just deleted.
  await deleteConnectionMirrors({ dataDir: o.dataDir }, o.connectionId);
  return { jobsCancelled: cancelled.filter((c) => c.status === 'fulfilled').length };
}
