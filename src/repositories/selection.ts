// Which repositories a connection may be used for: all of them, or a chosen list. Browsing, resolving and fetching
// all go through assertSelected, so a repository left out is invisible to whatever uses the connection.
import { getRepository, listRepositories } from '../azure/api/index.js';
import type { Connection } from '../connections/connection.js';
import type { ConnectionService } from '../connections/connection-service.js';
import type { AzdoError } from '../errors/azdo-error.js';
import { readRepositorySelection, writeRepositorySelection, type StoredSelection } from '../store/repository-selection-repo.js';
import { clientForConnection } from './connection-client.js';
import { REPOSITORY_MISSING_CODES, repositoryNotFound, repositoryNotSelected, tfCodeOfError } from './repository-errors.js';
import { resolveRepositoryArgument } from './repository-target.js';

export interface SelectedRepository {
  id: string;
  project: string;
  name: string;
}

export interface RepositorySelection {
  mode: 'all' | 'list';
  /** Empty when the mode is 'all'. */
  repositories: SelectedRepository[];
}

/** What a caller knows of a repository: its id when it was fetched, its names always. */
export interface RepositoryIdentity {
  id?: string;
  project: string;
  name: string;
}

export type SelectionChange =
  | { all: true }
  /** Replaces the list; each entry is "project/repository" or a URL of the repository. */
  | { repositories: string[] }
  | { add?: string[]; remove?: string[] };

type ConnectionRef = { id: string; name: string };

const same = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

export function isSelected(selection: RepositorySelection, repository: RepositoryIdentity): boolean {
  if (selection.mode === 'all') return true;
  return selection.repositories.some((r) =>
    repository.id !== undefined ? r.id.toLowerCase() === repository.id.toLowerCase() : same(r.project, repository.project) && same(r.name, repository.name),
  );
}

export async function getRepositorySelection(connections: ConnectionService, connection: string | ConnectionRef): Promise<RepositorySelection> {
  const ref = typeof connection === 'string' ? await connections.describeConnection(connection) : connection;
  return readRepositorySelection(connections.store.db, ref.id);
}

/** Throws AZDO_REPOSITORY_NOT_SELECTED when the connection's selection leaves the repository out. */
export async function assertSelected(connections: ConnectionService, connection: ConnectionRef, repository: RepositoryIdentity): Promise<void> {
  await selectionCheck(connections, connection)(repository);
}

/**
 * assertSelected in two steps: the selection is read now, beside whatever finds the repository (a request to Azure
 * DevOps), and checked once it is known. Not calling the check leaves nothing behind.
 */
export function selectionCheck(connections: ConnectionService, connection: ConnectionRef): (repository: RepositoryIdentity) => Promise<void> {
  const selection = readRepositorySelection(connections.store.db, connection.id);
  selection.catch(() => undefined); // reported by the check, if it is made
  return async (repository) => {
    if (!isSelected(await selection, repository)) throw repositoryNotSelected({ project: repository.project, repository: repository.name }, connection.name);
  };
}

/**
 * Changes what the connection may be used for. Repositories named are looked up in Azure DevOps first (by their
 * id from then on, so renames keep them selected); one that does not exist fails the whole change.
 */
export async function selectRepositories(connections: ConnectionService, connectionName: string, change: SelectionChange): Promise<RepositorySelection> {
  const connection = await connections.getConnection(connectionName);
  const current = await readRepositorySelection(connections.store.db, connection.id);
  let next: StoredSelection;
  if ('all' in change) {
    next = { mode: 'all', repositories: [] };
  } else {
    const lookUp = async (args: string[]): Promise<SelectedRepository[]> => {
      const client = clientForConnection(connection, connections.endpoints);
      try {
        const found: SelectedRepository[] = [];
        for (const arg of args) {
          const target = await resolveRepositoryArgument(connections, arg, { connection: connection.id });
          try {
            const r = await getRepository(client, target.project, target.repository);
            found.push({ id: r.id, project: r.project.name, name: r.name });
          } catch (error) {
            if (REPOSITORY_MISSING_CODES.has(tfCodeOfError(error) ?? '')) throw repositoryNotFound(target, connection.name, error as AzdoError);
            throw error;
          }
        }
        return found;
      } finally {
        client.close();
      }
    };
    if ('repositories' in change) {
      next = { mode: 'list', repositories: await lookUp(change.repositories) };
    } else {
      const added = await lookUp(change.add ?? []);
      const removed = await Promise.all(
        (change.remove ?? []).map(async (arg) => {
          const t = await resolveRepositoryArgument(connections, arg, { connection: connection.id });
          return { project: t.project, name: t.repository };
        }),
      );
      if (current.mode === 'all' && removed.length === 0) {
        // Everything is visible already: adding changes nothing (the names were still checked above).
        next = current;
      } else {
        // Removing from "all" keeps every other repository, which takes the one listing of them all.
        const base = current.mode === 'all' ? await everyRepository(connections, connection) : current.repositories;
        const kept = base.filter((r) => !removed.some((x) => same(x.project, r.project) && same(x.name, r.name)));
        next = { mode: 'list', repositories: [...kept, ...added] };
      }
    }
  }
  await writeRepositorySelection(connections.store.db, connection.id, next);
  return readRepositorySelection(connections.store.db, connection.id);
}

async function everyRepository(connections: ConnectionService, connection: Connection): Promise<SelectedRepository[]> {
  const client = clientForConnection(connection, connections.endpoints);
  try {
    return (await listRepositories(client)).map((r) => ({ id: r.id, project: r.project.name, name: r.name }));
  } finally {
    client.close();
  }
}
