import { GitRepoError } from './git-repo-error.js';

/**
 * Turns an Azure DevOps item path ("/src/a.ts", "src/a.ts", "/") into git's form ("src/a.ts", "" for the
 * root). Segments git would refuse or read specially are rejected here, so they never reach a pathspec or a
 * `<rev>:<path>` expression.
 */
export function toGitPath(itemPath: string, o: { allowRoot?: boolean } = {}): string {
  const rel = itemPath.replace(/^\/+/, '').replace(/\/+$/, '');
  if (rel === '') {
    if (o.allowRoot) return '';
    throw new GitRepoError('invalidPath', `The path "${itemPath}" names the repository root, not an item.`, itemPath);
  }
  if (rel.includes('\0')) throw new GitRepoError('invalidPath', 'A path cannot contain a NUL character.', itemPath);
  for (const segment of rel.split('/')) {
    if (segment === '' || segment === '.' || segment === '..' || segment.toLowerCase() === '.git') {
      throw new GitRepoError('invalidPath', `The path "${itemPath}" has an invalid segment "${segment}".`, itemPath);
    }
  }
  return rel;
}

/** git's relative path back to the rooted form Azure DevOps shows in items and changes. */
export function toItemPath(gitPath: string): string {
  return `/${gitPath}`;
}
