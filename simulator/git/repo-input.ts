// Checks on what callers pass in, done before git sees it: git would read some of it as options, pathspec
// magic or `<rev>:<path>` syntax, and the REST layer needs coded errors rather than git's stderr.
import { GitRepoError } from './git-repo-error.js';
import type { GitIdentity } from './git-types.js';

/**
 * Turns an Azure DevOps item path ("/src/a.ts", "src/a.ts", "/") into git's form ("src/a.ts", "" for the
 * root). Segments git would refuse or read specially are rejected.
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

/**
 * Refuses names git would read as options, and ':' so that a commit-ish can never smuggle a path into a
 * `<rev>:<path>` expression (ref names cannot contain ':' anyway).
 */
export function isRevision(s: string): boolean {
  return s !== '' && !s.startsWith('-') && !/[\0\n:]/.test(s);
}

export function refNotFound(ref: string): GitRepoError {
  return new GitRepoError('refNotFound', `"${ref}" does not name a commit in this repository.`);
}

export function checkText(value: string, what: string): void {
  if (value.includes('\0')) throw new GitRepoError('invalidArgument', `The ${what} cannot contain a NUL character.`);
}

export function checkDate(d: Date): number {
  const t = d instanceof Date ? d.getTime() : NaN;
  if (Number.isNaN(t)) throw new GitRepoError('invalidArgument', 'A date is not valid.');
  return t;
}

/** commit-tree's identity variables; an explicit UTC date keeps commit ids reproducible. */
export function identityEnv(role: 'AUTHOR' | 'COMMITTER', who: GitIdentity): Record<string, string> {
  checkText(who.name, `${role.toLowerCase()} name`);
  checkText(who.email, `${role.toLowerCase()} e-mail`);
  return {
    [`GIT_${role}_NAME`]: who.name,
    [`GIT_${role}_EMAIL`]: who.email,
    [`GIT_${role}_DATE`]: `@${Math.floor(checkDate(who.date) / 1000)} +0000`,
  };
}

export function shortBranch(name: string): string {
  return name.replace(/^refs\/heads\//, '');
}

export function fullBranch(name: string): string {
  return name.startsWith('refs/') ? name : `refs/heads/${name}`;
}
