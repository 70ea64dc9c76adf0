export type GitRepoErrorCode =
  /** A path is empty, has `.`/`..`/`.git` segments, doubled slashes or NUL. */
  | 'invalidPath'
  /** An `add` or rename target names a path that already exists. */
  | 'itemExists'
  /** An `edit`, `delete` or rename source names a path that does not exist. */
  | 'itemNotFound'
  /** A ref, commit id or parent given by the caller does not resolve to a commit. */
  | 'refNotFound'
  /** Anything else the caller passed that git would reject or misread (NUL in text, bad dates). */
  | 'invalidArgument';

/**
 * A request the repository layer refuses before or instead of asking git, with a code the REST layer can
 * map to Azure DevOps' own errors (GitItemAlreadyExistsException, TF401175, ...).
 */
export class GitRepoError extends Error {
  constructor(
    readonly code: GitRepoErrorCode,
    message: string,
    readonly path?: string,
  ) {
    super(message);
    this.name = 'GitRepoError';
  }
}
