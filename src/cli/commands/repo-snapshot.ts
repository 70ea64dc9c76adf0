// `repo snapshot`: one commit's tree as a .tar.gz, without what .azdoignore names and with submodules, from the
// repository's mirror (fetched first, so a branch is current), with a progress bar at a terminal: git's phases while
// fetching, then the files archived.
import { openConnectionService } from '../../connections/open-connection-service.js';
import { resolveRepositoryArgument } from '../../repositories/repository-target.js';
import { snapshotRepository, type RepositorySnapshot } from '../../repositories/snapshot-service.js';
import { runCommand } from '../cli-output.js';
import { progressBar } from '../progress-bar.js';

export interface RepoSnapshotOptions {
  out: string;
  connection?: string;
  allowMissingSubmodules?: boolean;
  /** false (--no-fetch): use the mirror as it is. */
  fetch?: boolean;
  json?: boolean;
}

function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = n / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

export function snapshotSummary(s: RepositorySnapshot): string {
  const lines = [
    `Wrote ${s.path} (${bytes(s.size)}): ${s.project}/${s.repository} at ${s.ref} (${s.commit.slice(0, 10)}), ${s.files} files.`,
    s.ignoreFile ? `.azdoignore left out ${s.skippedPaths} ${s.skippedPaths === 1 ? 'path' : 'paths'}.` : 'No .azdoignore: nothing was left out.',
  ];
  for (const m of s.submodules) {
    const from = m.repository ? ` from ${m.repository}${m.connection ? ` (connection ${m.connection})` : ''}` : '';
    if (m.status === 'included') lines.push(`Submodule ${m.path}: included at ${m.commit.slice(0, 10)}${from}, ${m.files ?? 0} files.`);
    else if (m.status === 'ignored') lines.push(`Submodule ${m.path}: left out by .azdoignore.`);
    else lines.push(`Submodule ${m.path}: MISSING, its folder is empty (${m.code}: ${m.reason}).`);
  }
  return lines.join('\n');
}

export async function runRepoSnapshot(repository: string, ref: string | undefined, o: RepoSnapshotOptions): Promise<void> {
  await runCommand(o, async (out) => {
    const service = await openConnectionService();
    const bar = await progressBar(out);
    try {
      const target = await resolveRepositoryArgument(service, repository, o.connection !== undefined ? { connection: o.connection } : {});
      out.note(`Fetching ${target.project}/${target.repository} and writing the snapshot...`);
      const result = await snapshotRepository(service, target, ref, o.out, {
        ...(o.allowMissingSubmodules ? { allowMissingSubmodules: true } : {}),
        ...(o.fetch === false ? { fetch: false } : {}),
        ...(bar ? { onProgress: (p) => bar.fetch(p), onArchiveProgress: (p) => bar.archive(p) } : {}),
      });
      bar?.stop();
      out.result({
        path: result.path,
        size: result.size,
        commit: result.commit,
        ref: result.ref,
        connection: result.connection,
        project: result.project,
        repository: result.repository,
        files: result.files,
        ignoreFile: result.ignoreFile,
        skippedPaths: result.skippedPaths,
        submodules: result.submodules,
        durationMs: Math.round(result.durationMs),
      });
      out.print(snapshotSummary(result));
    } finally {
      bar?.stop();
      await service.close();
    }
  });
}
