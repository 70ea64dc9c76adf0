// `azdo-connect resolve <url>`: any Azure DevOps URL of a repository or something in it, fetched through the
// connection to its organization or collection.
import type { GitCommitRef, GitPullRequest, GitVersion } from '../azure/api/index.js';
import type { ConnectionService } from '../connections/connection-service.js';
import { withRepository } from './repository-access.js';
import { repositoryDisabled } from './repository-errors.js';
import {
  branchIn,
  commitIn,
  defaultVersion,
  entryType,
  fileIn,
  itemIn,
  pullRequestIn,
  summarize,
  tagIn,
  treeIn,
  type FileContent,
  type RefSummary,
  type RepositorySummary,
  type TreeEntry,
} from './repository-reads.js';
import { locateUrl } from './repository-target.js';

interface Common {
  /** The connection the URL was matched to, by name. */
  connection: string;
  repository: RepositorySummary;
}

export type ResolvedObject =
  | (Common & { type: 'repository' })
  | (Common & { type: 'branch'; branch: RefSummary; commit: GitCommitRef })
  | (Common & { type: 'tag'; tag: RefSummary; commit: GitCommitRef })
  | (Common & { type: 'commit'; commit: GitCommitRef })
  | (Common & { type: 'file'; version: GitVersion; file: FileContent })
  | (Common & { type: 'folder'; version: GitVersion; path: string; commitId: string; entries: TreeEntry[] })
  | (Common & { type: 'pullRequest'; pullRequest: GitPullRequest; commits: GitCommitRef[] });

/**
 * Resolves a clone URL (HTTPS or SSH, any form) or the web URL of a repository, branch, tag, commit, file or pull
 * request to the object it names. The repository must be selected for the connection; an empty or disabled one is
 * returned as such when the URL names the repository itself.
 */
export async function resolveUrl(connections: ConnectionService, url: string, o: { connection?: string } = {}): Promise<ResolvedObject> {
  const { location, connection } = await locateUrl(connections, url, o);
  // A URL without a project names a repository called like its project (FACTS §1.2).
  const target = { connection, project: location.project ?? location.repository, repository: location.repository };
  return withRepository(
    connections,
    target,
    async (open): Promise<ResolvedObject> => {
      const common: Common = { connection: connection.name, repository: summarize(open.repository, true) };
      if (location.type === 'repository') return { ...common, type: 'repository' };
      if (open.repository.isDisabled) throw repositoryDisabled(open.name, connection.name);
      switch (location.type) {
        case 'branch': {
          const branch = await branchIn(open, location.branch);
          return { ...common, type: 'branch', branch, commit: await commitIn(open, branch.commitId) };
        }
        case 'tag': {
          const tag = await tagIn(open, location.tag);
          return { ...common, type: 'tag', tag, commit: await commitIn(open, tag.commitId) };
        }
        case 'commit':
          return { ...common, type: 'commit', commit: await commitIn(open, location.commitId) };
        case 'file': {
          const version = defaultVersion(open, location.version);
          const item = await itemIn(open, location.path, version);
          if (entryType(item) === 'folder') {
            const tree = await treeIn(open, item.path, version);
            return { ...common, type: 'folder', version, path: tree.path, commitId: tree.commitId, entries: tree.entries };
          }
          return { ...common, type: 'file', version, file: await fileIn(open, item.path, version, item) };
        }
        case 'pullRequest': {
          const { pullRequest, commits } = await pullRequestIn(open, location.pullRequestId);
          return { ...common, type: 'pullRequest', pullRequest, commits };
        }
      }
    },
    { allowUnreadable: true },
  );
}
