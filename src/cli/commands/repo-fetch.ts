// `repo fetch`: the repository's mirror, cloned the first time and fetched incrementally afterwards, with a progress
// bar on a terminal (nothing in scripts or with --json).
import { openConnectionService } from '../../connections/open-connection-service.js';
import type { FetchProgress } from '../../git/git-progress.js';
import type { MirrorFilter } from '../../git/mirror.js';
import { fetchRepository, type FetchRepositoryResult } from '../../repositories/mirror-service.js';
import { resolveRepositoryArgument } from '../../repositories/repository-target.js';
import { runCommand } from '../cli-output.js';
import { progressBar } from '../progress-bar.js';

export interface RepoFetchOptions {
  connection?: string;
  filter?: MirrorFilter;
  /** false (--no-wait): fail with AZDO_MIRROR_BUSY instead of waiting for another fetch of the same mirror. */
  wait?: boolean;
  json?: boolean;
}

export function fetchSummary(r: FetchRepositoryResult): string {
  const m = r.mirror;
  const what = r.created ? 'Cloned' : 'Fetched';
  const lines = [`${what} ${m.project}/${m.name} (connection ${m.connection}) in ${(r.durationMs / 1000).toFixed(1)} s.`, `Mirror: ${m.path}${m.partial ? ' (partial: file contents fetched when first needed)' : ''}`];
  if (r.empty) lines.push('The repository is empty: it has no commits or branches yet.');
  return lines.join('\n');
}

export async function runRepoFetch(repository: string, o: RepoFetchOptions): Promise<void> {
  await runCommand(o, async (out) => {
    const service = await openConnectionService();
    const bar = await progressBar(out);
    try {
      const target = await resolveRepositoryArgument(service, repository, o.connection !== undefined ? { connection: o.connection } : {});
      const result = await fetchRepository(service, target, {
        ...(o.filter ? { filter: o.filter } : {}),
        ...(bar ? { onProgress: (p: FetchProgress) => bar.fetch(p) } : {}),
        ...(o.wait === false ? { lockWaitMs: 0 } : {}),
        onLockWait: (owner: string | undefined) => out.note(`Another fetch of this repository is running${owner ? ` (${owner})` : ''}; waiting for it to finish...`),
      });
      bar?.stop();
      out.result({ ...result.mirror, created: result.created, empty: result.empty, attempts: result.attempts, durationMs: Math.round(result.durationMs) });
      out.print(fetchSummary(result));
    } finally {
      bar?.stop();
      await service.close();
    }
  });
}
