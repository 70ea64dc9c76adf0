// The `{repo}` path parameter as the library's RepositoryTarget. It is the repository's id (what listings return, so
// the UI passes it as it is) or "project/name" encoded as one segment (what people type). The library reads by names
// with their project; for an id, the project comes from what we know without asking (a mirror, the selection),
// else from the one organization-level listing.
import type { FastifyRequest } from 'fastify';
import { listRepositories } from '../../../../azure/api/index.js';
import type { ConnectionService } from '../../../../connections/connection-service.js';
import { AzdoError } from '../../../../errors/azdo-error.js';
import { clientForConnection } from '../../../../repositories/connection-client.js';
import { isRealRepositoryId } from '../../../../repositories/mirror-identity.js';
import { RepositoryErrorCodes, repositoryNotFound } from '../../../../repositories/repository-errors.js';
import type { RepositoryTarget } from '../../../../repositories/repository-target.js';
import { getMirror } from '../../../../store/mirrors-repo.js';
import { readRepositorySelection } from '../../../../store/repository-selection-repo.js';
import { connectionsOf } from '../route-helpers.js';

function repoParamInvalid(): AzdoError {
  return new AzdoError(
    RepositoryErrorCodes.argumentInvalid,
    'A repository is named in the path by its id or as "project/name".',
    'Use the id from the repositories list, or "project/name" URL-encoded as one path segment (e.g. Fabrikam%20Fiber%2Fweb).',
    { field: 'repo' },
  );
}

/** The names of a repository known only by id. */
async function namesOfId(connections: ConnectionService, target: Pick<RepositoryTarget, 'connection'>, id: string): Promise<{ project: string; name: string }> {
  const db = connections.store.db;
  const connection = target.connection;
  const [mirror, selection] = await Promise.all([getMirror(db, { connectionId: connection.id, repositoryId: id.toLowerCase() }), readRepositorySelection(db, connection.id)]);
  if (mirror) return { project: mirror.project, name: mirror.name };
  const selected = selection.repositories.find((r) => r.id.toLowerCase() === id.toLowerCase());
  if (selected) return selected;
  const client = clientForConnection(connection, connections.endpoints);
  try {
    const found = (await listRepositories(client)).find((r) => r.id.toLowerCase() === id.toLowerCase());
    if (found) return { project: found.project.name, name: found.name };
  } finally {
    client.close();
  }
  throw repositoryNotFound({ project: '?', repository: id }, connection.name);
}

export async function repositoryTarget(connections: ConnectionService, connectionIdOrName: string, repo: string): Promise<RepositoryTarget> {
  const connection = await connections.getConnection(connectionIdOrName);
  const text = repo.trim();
  if (isRealRepositoryId(text)) {
    const names = await namesOfId(connections, { connection }, text);
    return { connection, project: names.project, repository: names.name, repositoryId: text.toLowerCase() };
  }
  const parts = text.split('/').map((p) => p.trim());
  if (parts.length !== 2 || parts.some((p) => p === '')) throw repoParamInvalid();
  const [project, repository] = parts as [string, string];
  return { connection, project, repository };
}

/** The target of a route under /connections/:id/repositories/:repo. */
export async function requestTarget(request: FastifyRequest): Promise<RepositoryTarget> {
  const { id, repo } = request.params as { id: string; repo: string };
  return repositoryTarget(connectionsOf(request), id, repo);
}
