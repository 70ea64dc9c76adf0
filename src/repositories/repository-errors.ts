// The failures of finding and reading repositories that users can cause, each with a code docs/errors.md explains.
import { AzdoError } from '../errors/azdo-error.js';

export const RepositoryErrorCodes = {
  notFound: 'AZDO_REPOSITORY_NOT_FOUND',
  disabled: 'AZDO_REPOSITORY_DISABLED',
  empty: 'AZDO_REPOSITORY_EMPTY',
  branchNotFound: 'AZDO_BRANCH_NOT_FOUND',
  versionNotFound: 'AZDO_VERSION_NOT_FOUND',
  pathNotFound: 'AZDO_PATH_NOT_FOUND',
  pathIsFolder: 'AZDO_PATH_IS_FOLDER',
  pullRequestNotFound: 'AZDO_PULL_REQUEST_NOT_FOUND',
  notSelected: 'AZDO_REPOSITORY_NOT_SELECTED',
  urlNotRepository: 'AZDO_URL_NOT_REPOSITORY',
  argumentInvalid: 'AZDO_REPOSITORY_ARGUMENT_INVALID',
  noConnection: 'AZDO_REPOSITORY_NO_CONNECTION',
  ambiguousConnection: 'AZDO_REPOSITORY_AMBIGUOUS_CONNECTION',
  connectionMismatch: 'AZDO_REPOSITORY_CONNECTION_MISMATCH',
  needsHttpCredential: 'AZDO_REPOSITORY_NEEDS_HTTP_CREDENTIAL',
} as const;

const C = RepositoryErrorCodes;

export interface RepositoryName {
  project: string;
  repository: string;
}

/** Azure DevOps' own code (TF401019, VS403403, ...) of a failed request, if it gave one. */
export function tfCodeOfError(error: unknown): string | undefined {
  if (!(error instanceof AzdoError)) return undefined;
  const code = (error as { tfCode?: unknown }).tfCode;
  return typeof code === 'string' ? code : undefined;
}

/** Repository, project or project id not found: Azure DevOps' answers when a repository cannot be reached by name. */
export const REPOSITORY_MISSING_CODES = new Set(['TF401019', 'TF200016', 'VS800075']);

const named = (r: RepositoryName): string => `${r.project}/${r.repository}`;

/** TF401019 covers three causes Azure DevOps will not tell apart; the hint names all of them. */
export function repositoryNotFound(r: RepositoryName, connection: string, cause?: AzdoError): AzdoError {
  const code = tfCodeOfError(cause);
  const tf = code === 'TF401019' ? ' (TF401019)' : '';
  return withCause(
    new AzdoError(
      C.notFound,
      `Repository "${named(r)}" was not found through connection "${connection}"${tf}.`,
      `Check the project and repository names (\`azdo-connect repos list --connection ${connection}\` lists them). Azure DevOps answers TF401019 alike when the repository does not exist, when the connection's credential may not read it (a token without the Code (Read) scope, or a user without access to the project) and when the repository is disabled.`,
      { ...r, connection, ...(code ? { tfCode: code } : {}) },
    ),
    cause,
  );
}

export function repositoryDisabled(r: RepositoryName, connection: string): AzdoError {
  return new AzdoError(
    C.disabled,
    `Repository "${named(r)}" is disabled: Azure DevOps keeps it but lets nobody read or change its content.`,
    'A project administrator can enable it again under Project settings > Repositories > (the repository) > Settings > Disable repository; or choose another repository.',
    { ...r, connection },
  );
}

export function repositoryEmpty(r: RepositoryName, connection: string): AzdoError {
  return new AzdoError(
    C.empty,
    `Repository "${named(r)}" is empty: it has no commits and no branches yet.`,
    'Push a first commit (or initialize the repository with a README in Azure DevOps), then try again.',
    { ...r, connection },
  );
}

export function branchNotFound(r: RepositoryName, branch: string, connection: string, cause?: AzdoError): AzdoError {
  return withCause(
    new AzdoError(
      C.branchNotFound,
      `Repository "${named(r)}" has no branch "${branch}".`,
      `Branch names are given without "refs/heads/"; \`azdo-connect repo branches ${named(r)} --connection ${connection}\` lists them.`,
      { ...r, branch, connection },
    ),
    cause,
  );
}

export function versionNotFound(r: RepositoryName, version: { type: string; value: string }, connection: string, cause?: AzdoError): AzdoError {
  return withCause(
    new AzdoError(
      C.versionNotFound,
      `Repository "${named(r)}" has no ${version.type} "${version.value}".`,
      'Check the tag name or the commit id (the full 40 characters); the commit may also not be pushed yet.',
      { ...r, version, connection },
    ),
    cause,
  );
}

export function pathNotFound(r: RepositoryName, path: string, at: string, connection: string, cause?: AzdoError): AzdoError {
  return withCause(
    new AzdoError(
      C.pathNotFound,
      `Repository "${named(r)}" has no file or folder "${path}" at ${at}.`,
      'Paths start at the repository root ("/src/app.ts") and are case-sensitive; list the tree to see what exists at that version.',
      { ...r, path, connection },
    ),
    cause,
  );
}

export function pathIsFolder(r: RepositoryName, path: string, connection: string): AzdoError {
  return new AzdoError(
    C.pathIsFolder,
    `"${path}" in repository "${named(r)}" is a folder, not a file.`,
    `List what it holds with \`azdo-connect repo tree ${named(r)} --path ${path} --connection ${connection}\`, then ask for one of its files.`,
    { ...r, path, connection },
  );
}

export function pullRequestNotFound(project: string, id: number, connection: string, cause?: AzdoError): AzdoError {
  return withCause(
    new AzdoError(
      C.pullRequestNotFound,
      `Pull request ${id} was not found in project "${project}" (TF401180).`,
      'Check the pull request number and its project; the connection\'s credential must also be allowed to read the repository it belongs to.',
      { project, pullRequestId: id, connection },
    ),
    cause,
  );
}

export function repositoryNotSelected(r: RepositoryName, connection: string): AzdoError {
  return new AzdoError(
    C.notSelected,
    `Repository "${named(r)}" is not among the repositories selected for connection "${connection}".`,
    `Add it with \`azdo-connect repos select ${connection} --add ${named(r)}\`, or make every repository visible with \`azdo-connect repos select ${connection} --all\`.`,
    { ...r, connection },
  );
}

export function urlNotRepository(kind: string): AzdoError {
  return new AzdoError(
    C.urlNotRepository,
    `This URL names ${kind}, not a repository or something in one.`,
    'Paste a clone URL (HTTPS or SSH) or the web URL of a repository, branch, commit, file or pull request.',
    { kind },
  );
}

export function argumentInvalid(): AzdoError {
  return new AzdoError(
    C.argumentInvalid,
    'A repository is named by one of its URLs or as "project/repository".',
    'Pass a clone or web URL (e.g. https://dev.azure.com/{organization}/{project}/_git/{repository}), or "project/repository" with --connection.',
  );
}

export function noConnection(place: string, addCommand: string): AzdoError {
  return new AzdoError(
    C.noConnection,
    `No connection reaches ${place}.`,
    `Add one with \`${addCommand}\`, then try again.`,
    { place },
  );
}

export function ambiguousConnection(place: string, names: string[]): AzdoError {
  return new AzdoError(
    C.ambiguousConnection,
    `${names.length} connections reach ${place}: ${names.join(', ')}.`,
    `Say which one to use with --connection (e.g. --connection ${names[0] ?? '{name}'}).`,
    { place, connections: names },
  );
}

/** "project/repository" without --connection in a workspace with several connections. */
export function connectionNeeded(names: string[]): AzdoError {
  return new AzdoError(
    C.ambiguousConnection,
    `"project/repository" does not say which connection to use, and this workspace has ${names.length}: ${names.join(', ')}.`,
    `Name one with --connection (e.g. --connection ${names[0] ?? '{name}'}), or pass a URL of the repository instead.`,
    { connections: names },
  );
}

export function noConnections(): AzdoError {
  return new AzdoError(
    C.noConnection,
    'This workspace has no connections yet.',
    'Add one with `azdo-connect connection add --name NAME --url URL --pat-file FILE` (URL: the organization or collection), then try again.',
  );
}

export function connectionMismatch(connection: string, connectionUrl: string, place: string): AzdoError {
  return new AzdoError(
    C.connectionMismatch,
    `Connection "${connection}" is for ${connectionUrl}, but the URL is in ${place}.`,
    'Leave out --connection to use the connection that matches the URL, or name one for that organization or collection.',
    { connection, connectionUrl, place },
  );
}

export function needsHttpCredential(connection: string): AzdoError {
  return new AzdoError(
    C.needsHttpCredential,
    `Connection "${connection}" uses an SSH key, which reaches git only; browsing repositories needs Azure DevOps' REST API.`,
    `Give the connection a personal access token with the Code (Read) scope (\`azdo-connect connection edit ${connection}\`), or add a second connection with one for browsing.`,
    { connection },
  );
}

function withCause(error: AzdoError, cause: AzdoError | undefined): AzdoError {
  if (cause) Object.defineProperty(error, 'cause', { value: cause, enumerable: false });
  return error;
}
