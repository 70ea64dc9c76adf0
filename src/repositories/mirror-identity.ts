// Which mirror a repository argument means. A mirror is kept under Azure DevOps' repository id, so a renamed
// repository keeps its mirror; once a mirror exists its record answers without a request. Over SSH alone (no REST
// credential) the id cannot be asked for, and a key made from the names stands in for it.
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { Connection } from '../connections/connection.js';
import type { ConnectionService } from '../connections/connection-service.js';
import { storeOptionsFromEnv } from '../store/store-options-from-env.js';
import { getMirror, type MirrorRecord } from '../store/mirrors-repo.js';
import { withRepository } from './repository-access.js';
import { repositoryDisabled } from './repository-errors.js';
import type { RepositoryTarget } from './repository-target.js';
import { assertSelected } from './selection.js';

export interface MirrorOptions {
  /** The data directory; default AZDO_CONNECT_DATA (./data). Mirrors live in its `mirrors/` folder. */
  dataDir?: string;
}

export interface MirrorIdentity {
  connection: Connection;
  repositoryId: string;
  project: string;
  name: string;
  /** Where the bare mirror lives (whether or not it exists yet). */
  dir: string;
  record?: MirrorRecord;
  /** The record was found by the name asked for, not by id: before fetching, the name is confirmed (mirror-fetch). */
  foundByName?: true;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `name-` and a hash of the lower-cased names: a stable, file-name-safe key when the id cannot be known. */
export function nameKeyId(project: string, name: string): string {
  return `name-${createHash('sha256').update(`${project}/${name}`.toLowerCase()).digest('hex').slice(0, 32)}`;
}

export function isRealRepositoryId(id: string): boolean {
  return GUID.test(id);
}

export function mirrorsRoot(o: MirrorOptions = {}): string {
  return path.join(o.dataDir ?? storeOptionsFromEnv(process.env).dataDir, 'mirrors');
}

export function mirrorDir(o: MirrorOptions, connectionId: string, repositoryId: string): string {
  return path.join(mirrorsRoot(o), connectionId, `${repositoryId.toLowerCase()}.git`);
}

/** Looks the repository up in Azure DevOps (checking that it is selected); disabled ones are refused here. */
export async function identifyByRest(connections: ConnectionService, target: RepositoryTarget, o: MirrorOptions): Promise<MirrorIdentity> {
  const found = await withRepository(
    connections,
    target,
    async (open) => ({ id: open.repository.id, project: open.name.project, name: open.name.repository, disabled: open.repository.isDisabled === true }),
    { allowUnreadable: true },
  );
  if (found.disabled) throw repositoryDisabled({ project: found.project, repository: found.name }, target.connection.name);
  const record = await getMirror(connections.store.db, { connectionId: target.connection.id, repositoryId: found.id.toLowerCase() });
  return {
    connection: target.connection,
    repositoryId: found.id.toLowerCase(),
    project: found.project,
    name: found.name,
    dir: mirrorDir(o, target.connection.id, found.id),
    ...(record ? { record } : {}),
  };
}

/** The mirror a target means: its record if one exists, otherwise Azure DevOps' answer, otherwise (SSH) the names. */
export async function identifyMirror(connections: ConnectionService, target: RepositoryTarget, o: MirrorOptions = {}): Promise<MirrorIdentity> {
  const connection = target.connection;
  const db = connections.store.db;
  const givenId = target.repositoryId !== undefined && isRealRepositoryId(target.repositoryId) ? target.repositoryId.toLowerCase() : undefined;
  const record = givenId
    ? await getMirror(db, { connectionId: connection.id, repositoryId: givenId })
    : await getMirror(db, { connectionId: connection.id, project: target.project, name: target.repository });
  if (record) {
    const id = isRealRepositoryId(record.repositoryId) ? { id: record.repositoryId } : {};
    await assertSelected(connections, connection, { ...id, project: record.project, name: record.name });
    // Computed, not the recorded path: the data directory may have moved since.
    const dir = mirrorDir(o, connection.id, record.repositoryId);
    return { connection, repositoryId: record.repositoryId, project: record.project, name: record.name, dir, record, ...(givenId ? {} : { foundByName: true as const }) };
  }
  if (connection.credential.type !== 'ssh') return identifyByRest(connections, target, o);
  await assertSelected(connections, connection, { ...(givenId ? { id: givenId } : {}), project: target.project, name: target.repository });
  const repositoryId = givenId ?? nameKeyId(target.project, target.repository);
  return { connection, repositoryId, project: target.project, name: target.repository, dir: mirrorDir(o, connection.id, repositoryId) };
}
