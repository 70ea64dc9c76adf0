import type { GitRepo } from '../git/git-repo.js';

export interface ChangeCounts {
  Add: number;
  Edit: number;
  Delete: number;
}

export interface CommitChange {
  changeType: 'add' | 'edit' | 'delete';
  path: string;
  gitObjectType: 'blob' | 'tree' | 'commit';
  objectId: string;
  originalObjectId?: string;
}

const TREE = '040000';
const SUBMODULE = '160000';
const ZERO = /^0+$/;

/**
 * The changes of many commits from one `diff-tree --stdin` (one git process for a whole page of commits),
 * against each commit's first parent and the empty tree for a root commit, as Azure DevOps counts them: folders
 * count when they appear or disappear, renames as a delete and an add.
 */
export async function changesOf(git: GitRepo, ids: string[]): Promise<Map<string, CommitChange[]>> {
  const result = new Map<string, CommitChange[]>(ids.map((id) => [id, []]));
  if (ids.length === 0) return result;
  const out = await git.git(['diff-tree', '--stdin', '-r', '-t', '--raw', '-z', '--no-renames', '--root', '--diff-merges=first-parent'], {
    input: `${ids.join('\n')}\n`,
  });
  const tokens = out.stdout.toString('utf8').split('\0');
  let current: CommitChange[] | undefined;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (!token.startsWith(':')) {
      // A commit header; git may print it with a trailing newline when a commit has no changes.
      current = result.get(token.trim());
      continue;
    }
    const path = tokens[++i] ?? '';
    const [srcMode = '', dstMode = '', srcId = '', dstId = '', status = ''] = token.slice(1).split(' ');
    const mode = status.startsWith('D') ? srcMode : dstMode;
    const gitObjectType = mode === TREE ? 'tree' : mode === SUBMODULE ? 'commit' : 'blob';
    const changeType = status.startsWith('A') ? 'add' : status.startsWith('D') ? 'delete' : 'edit';
    // A folder whose contents changed is not a change of its own.
    if (changeType === 'edit' && gitObjectType === 'tree') continue;
    current?.push({
      changeType,
      path: `/${path}`,
      gitObjectType,
      objectId: changeType === 'delete' ? srcId : dstId,
      ...(changeType === 'edit' && !ZERO.test(srcId) ? { originalObjectId: srcId } : {}),
    });
  }
  return result;
}

export function countChanges(changes: CommitChange[]): ChangeCounts {
  const counts = { Add: 0, Edit: 0, Delete: 0 };
  for (const c of changes) {
    if (c.changeType === 'add') counts.Add++;
    else if (c.changeType === 'delete') counts.Delete++;
    else counts.Edit++;
  }
  return counts;
}
