// `repo commits`: a branch's commits from the mirror (fetched first if there is none yet), paged, hidden ones left out
// unless --show-hidden; or, with --hide/--unhide, mark commits so pickers stop (or start again) showing them.
import { openConnectionService } from '../../connections/open-connection-service.js';
import { fetchRepository, hideCommit, listMirrorCommits, unhideCommit, type MirrorCommitPage } from '../../repositories/mirror-service.js';
import { resolveRepositoryArgument } from '../../repositories/repository-target.js';
import { runCommand } from '../cli-output.js';

export interface RepoCommitsOptions {
  connection?: string;
  branch?: string;
  top?: number;
  skip?: number;
  showHidden?: boolean;
  hide?: string[];
  unhide?: string[];
  /** Fetch before listing. */
  fetch?: boolean;
  json?: boolean;
}

export function commitsTable(page: MirrorCommitPage, skip: number): string {
  if (page.empty) return 'The repository is empty: it has no commits yet.';
  if (page.commits.length === 0) return skip > 0 ? `No commits past the first ${skip}.` : `No commits on ${page.ref}.`;
  const width = Math.min(24, Math.max(...page.commits.map((c) => c.author.name.length)));
  const rows = page.commits.map((c) => {
    const author = c.author.name.length > width ? `${c.author.name.slice(0, width - 1)}…` : c.author.name.padEnd(width);
    return `${c.commitId.slice(0, 10)}  ${c.author.date.slice(0, 10)}  ${author}  ${c.subject}${c.hidden ? '  (hidden)' : ''}`;
  });
  const more = page.hasMore ? ` More: --skip ${skip + page.commits.length}.` : '';
  const fetched = page.lastFetchedAt ? ` Mirror last fetched ${page.lastFetchedAt}.` : '';
  return `${rows.join('\n')}\n\n${page.commits.length} commits of ${page.ref}.${more}${fetched}`;
}

export async function runRepoCommits(repository: string, o: RepoCommitsOptions): Promise<void> {
  await runCommand(o, async (out) => {
    const service = await openConnectionService();
    try {
      const target = await resolveRepositoryArgument(service, repository, o.connection !== undefined ? { connection: o.connection } : {});
      if ((o.hide?.length ?? 0) > 0 || (o.unhide?.length ?? 0) > 0) {
        const results = [];
        for (const id of o.hide ?? []) results.push(await hideCommit(service, target, id));
        for (const id of o.unhide ?? []) results.push(await unhideCommit(service, target, id));
        out.result({ commits: results });
        for (const r of results) {
          const state = r.hidden ? 'hidden' : 'shown';
          out.print(`${r.commitId}: ${r.changed ? state : `already ${state}`}.`);
        }
        return;
      }
      if (o.fetch) await fetchRepository(service, target);
      const page = await listMirrorCommits(service, target, {
        ...(o.branch !== undefined ? { branch: o.branch } : {}),
        ...(o.top !== undefined ? { top: o.top } : {}),
        ...(o.skip !== undefined ? { skip: o.skip } : {}),
        includeHidden: o.showHidden === true,
      });
      out.result(page);
      out.print(commitsTable(page, o.skip ?? 0));
    } finally {
      await service.close();
    }
  });
}
