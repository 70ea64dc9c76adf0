// Repositories, refs, commits, pull requests and resolved URLs as people read them in a terminal
// (file content in JSON is src/repositories/file-content-json.ts).
import { fileContentJson } from '../repositories/file-content-json.js';
import type { GitCommitRef, GitPullRequest } from '../azure/api/index.js';
import type { RefSummary, RepositorySummary, Tree } from '../repositories/browse-service.js';
import type { ResolvedObject } from '../repositories/resolve.js';
import type { RepositorySelection } from '../repositories/selection.js';
import { table } from './connection-format.js';

const STATE: Record<RepositorySummary['state'], string> = { ok: '', empty: 'empty', disabled: 'disabled' };

export function repositoriesTable(repositories: RepositorySummary[], showSelected: boolean): string {
  const header = ['REPOSITORY', 'STATE', 'DEFAULT BRANCH', ...(showSelected ? ['SELECTED'] : []), 'URL'];
  return table(
    header,
    repositories.map((r) => [
      `${r.project.name}/${r.name}`,
      STATE[r.state],
      r.defaultBranch ?? '',
      ...(showSelected ? [r.selected ? 'yes' : 'no'] : []),
      r.webUrl ?? r.remoteUrl ?? '',
    ]),
  );
}

export function refsTable(refs: RefSummary[]): string {
  return table(['NAME', 'COMMIT', ''], refs.map((r) => [r.name, r.commitId.slice(0, 12), r.isDefault ? 'default' : '']));
}

function firstLine(text: string | undefined): string {
  return (text ?? '').split(/\r?\n/, 1)[0] ?? '';
}

export function commitLine(c: GitCommitRef): string {
  const date = c.author?.date?.slice(0, 10) ?? '';
  return `${c.commitId.slice(0, 12)}  ${date}  ${c.author?.name ?? ''}  ${firstLine(c.comment)}`;
}

const shortRef = (ref: string): string => ref.replace(/^refs\/heads\//, '');

export function pullRequestsTable(prs: GitPullRequest[]): string {
  return table(
    ['ID', 'STATUS', 'SOURCE', 'TARGET', 'AUTHOR', 'TITLE'],
    prs.map((p) => [String(p.pullRequestId), p.isDraft ? `${p.status} (draft)` : p.status, shortRef(p.sourceRefName), shortRef(p.targetRefName), p.createdBy?.displayName ?? '', p.title]),
  );
}

export function pullRequestText(pr: GitPullRequest, commits: GitCommitRef[]): string {
  return [
    `Pull request ${pr.pullRequestId}: ${pr.title}`,
    `  status:  ${pr.status}${pr.isDraft ? ' (draft)' : ''}${pr.mergeStatus ? `, merge ${pr.mergeStatus}` : ''}`,
    `  branches: ${shortRef(pr.sourceRefName)} -> ${shortRef(pr.targetRefName)}`,
    `  author:  ${pr.createdBy?.displayName ?? ''}, ${pr.creationDate}`,
    ...(pr.description ? ['', ...pr.description.split(/\r?\n/).map((l) => `  ${l}`)] : []),
    '',
    `Commits (${commits.length}):`,
    ...commits.map((c) => `  ${commitLine(c)}`),
  ].join('\n');
}

export function treeText(tree: Tree): string {
  const marks: Record<string, string> = { folder: '/', submodule: ' (submodule)', symlink: ' ->', file: '' };
  return tree.entries.map((e) => `${e.path}${marks[e.type] ?? ''}`).join('\n');
}

export function resolvedJson(r: ResolvedObject): Record<string, unknown> {
  return r.type === 'file' ? { ...r, file: fileContentJson(r.file) } : { ...r };
}

export function resolvedText(r: ResolvedObject): string {
  const repo = `${r.repository.project.name}/${r.repository.name}`;
  const head = `${r.type} in repository ${repo} (connection ${r.connection})`;
  switch (r.type) {
    case 'repository':
      return [`Repository ${repo} (connection ${r.connection})`, repositoriesTable([r.repository], false)].join('\n');
    case 'branch':
      return [`Branch ${r.branch.name} of ${repo} (connection ${r.connection})`, `  tip: ${commitLine(r.commit)}`].join('\n');
    case 'tag':
      return [`Tag ${r.tag.name} of ${repo} (connection ${r.connection})`, `  commit: ${commitLine(r.commit)}`].join('\n');
    case 'commit':
      return [`Commit of ${repo} (connection ${r.connection})`, `  ${commitLine(r.commit)}`, ...(r.commit.comment ?? '').split(/\r?\n/).slice(1).map((l) => `  ${l}`)].join('\n');
    case 'folder':
      return [`Folder ${r.path} at ${r.version.type} ${r.version.value} of ${repo} (connection ${r.connection})`, treeText(r)].join('\n');
    case 'file': {
      const json = fileContentJson(r.file);
      const body = json.encoding === 'utf8' ? String(json.content) : `(${r.file.content.length} bytes of binary content; use repo file --out FILE)`;
      return [`File ${r.file.path} at ${r.version.type} ${r.version.value} (commit ${r.file.commitId.slice(0, 12)}) of ${repo}`, '', body].join('\n');
    }
    case 'pullRequest':
      return [`${head}`, pullRequestText(r.pullRequest, r.commits)].join('\n');
  }
}

export function selectionText(connection: string, s: RepositorySelection): string {
  if (s.mode === 'all') return `Connection ${connection} may use every repository it can reach.`;
  if (s.repositories.length === 0) return `Connection ${connection} may use no repository (an empty list).`;
  return [`Connection ${connection} may use ${s.repositories.length} selected ${s.repositories.length === 1 ? 'repository' : 'repositories'}:`, ...s.repositories.map((r) => `  ${r.project}/${r.name}`)].join('\n');
}
