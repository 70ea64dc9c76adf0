// One repository opened through its connection: the client, the repository as Azure DevOps describes it, and the
// translation of Azure DevOps' answers into errors about this repository.
import type { AzdoClient } from '../azure/client/index.js';
import { getRepository, type GitRepository, type GitVersion } from '../azure/api/index.js';
import type { Connection } from '../connections/connection.js';
import type { ConnectionService } from '../connections/connection-service.js';
import { AzdoError } from '../errors/azdo-error.js';
import { clientForConnection } from './connection-client.js';
import {
  branchNotFound,
  pathNotFound,
  repositoryDisabled,
  repositoryEmpty,
  repositoryNotFound,
  REPOSITORY_MISSING_CODES,
  tfCodeOfError,
  versionNotFound,
  type RepositoryName,
} from './repository-errors.js';
import type { RepositoryTarget } from './repository-target.js';
import { selectionCheck } from './selection.js';

export interface OpenRepository {
  connection: Connection;
  client: AzdoClient;
  repository: GitRepository;
  name: RepositoryName;
  /** The default branch without "refs/heads/"; undefined for an empty repository. */
  defaultBranch: string | undefined;
}

export type RepositoryState = 'ok' | 'empty' | 'disabled';

export function repositoryState(r: GitRepository): RepositoryState {
  if (r.isDisabled) return 'disabled';
  // Azure DevOps leaves out defaultBranch until the first push (FACTS §2.3).
  return r.defaultBranch ? 'ok' : 'empty';
}

export function shortBranch(ref: string): string {
  return ref.replace(/^refs\/heads\//, '');
}

/**
 * Fetches the repository, checks that it is selected for the connection and, unless `allowUnreadable`, that its
 * content can be read (not disabled). The client is closed when `work` ends.
 */
export async function withRepository<T>(
  connections: ConnectionService,
  target: RepositoryTarget,
  work: (open: OpenRepository) => Promise<T>,
  o: { allowUnreadable?: boolean } = {},
): Promise<T> {
  const client = clientForConnection(target.connection, connections.endpoints);
  const checkSelected = selectionCheck(connections, target.connection);
  try {
    const name = { project: target.project, repository: target.repository };
    let repository: GitRepository;
    try {
      repository = await getRepository(client, target.project, target.repositoryId ?? target.repository);
    } catch (error) {
      if (REPOSITORY_MISSING_CODES.has(tfCodeOfError(error) ?? '')) {
        throw repositoryNotFound(name, target.connection.name, error as AzdoError);
      }
      throw error;
    }
    const actual = { project: repository.project.name, repository: repository.name };
    await checkSelected({ id: repository.id, project: actual.project, name: actual.repository });
    if (!o.allowUnreadable && repository.isDisabled) throw repositoryDisabled(actual, target.connection.name);
    const defaultBranch = repository.defaultBranch ? shortBranch(repository.defaultBranch) : undefined;
    return await work({ connection: target.connection, client, repository, name: actual, defaultBranch });
  } finally {
    client.close();
  }
}

/** An empty repository has nothing to read at any version. */
export function assertNotEmpty(open: OpenRepository): void {
  if (open.defaultBranch === undefined) throw repositoryEmpty(open.name, open.connection.name);
}

/**
 * Azure DevOps' answers about versions and paths, told apart by their TF codes: TF401175 (a branch or tag that does
 * not resolve), TF401029 (an unknown commit), TF401174 (no such path), VS403403 (no branches at all).
 */
export function translateReadError(open: OpenRepository, error: unknown, at: { version?: GitVersion; path?: string }): unknown {
  if (!(error instanceof AzdoError)) return error;
  const code = tfCodeOfError(error) ?? /\b(VS403403)\b/.exec(error.message)?.[1];
  const connection = open.connection.name;
  if (code === 'VS403403') return repositoryEmpty(open.name, connection);
  if ((code === 'TF401175' || code === 'TF401029') && at.version) {
    return at.version.type === 'branch' ? branchNotFound(open.name, at.version.value, connection, error) : versionNotFound(open.name, at.version, connection, error);
  }
  if (code === 'TF401174' && at.path !== undefined) {
    const where = at.version ? `${at.version.type} "${at.version.value}"` : `the default branch "${open.defaultBranch ?? ''}"`;
    return pathNotFound(open.name, at.path, where, connection, error);
  }
  if (code === 'TF401019') return repositoryNotFound(open.name, connection, error);
  return error;
}
