// Connections and their secrets, written together or not at all. Every read and write is scoped to a workspace,
// so an id from one workspace never reaches a connection of another.
import type { CompiledQuery, Kysely } from 'kysely';
import { AzdoError } from '../errors/azdo-error.js';
import { parseAzureUrl, type Deployment } from '../azure/urls.js';
import { toFlag, toJsonText, toTimestamp, type JsonValue } from './columns.js';
import {
  deploymentKey,
  fieldsToRow,
  nameKey,
  rowToRecord,
  type ConnectionFields,
  type ConnectionRecord,
} from './connection-record.js';
import type { Database } from './database.js';
import { inTransaction } from './in-transaction.js';
import { CONNECTION_OWNER, deleteSecrets, insertSecrets, type NewSecret } from './secrets-repo.js';
import {
  STORE_CURSOR_INVALID,
  connectionNotFound,
  mapConnectionWriteError,
  storeConflict,
} from './store-errors.js';

export interface NewConnection extends ConnectionFields {
  /** From newId(): the caller needs it first, to bind the secrets it encrypts to this connection. */
  id: string;
  workspaceId: string;
}

export type ConnectionRef = { workspaceId: string } & ({ id: string } | { name: string });

export interface ConnectionPage {
  connections: ConnectionRecord[];
  /** Pass back as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

export const MAX_PAGE_SIZE = 500;

function ownerOf(id: string) {
  return { ownerType: CONNECTION_OWNER, ownerId: id };
}

/** Moves the workspace's connection stamp on; called in the transaction of every change to its connections. */
async function moveStamp(db: Kysely<Database>, workspaceId: string): Promise<void> {
  await db
    .insertInto('connection_stamps')
    .values({ workspace_id: workspaceId, stamp: 1 })
    .onConflict((oc) => oc.column('workspace_id').doUpdateSet((eb) => ({ stamp: eb('connection_stamps.stamp', '+', 1) })))
    .execute();
}

/** Stands for the workspace id in the stamp query compiled once (no plugins rewrite queries, so it can be reused). */
const STAMP_PARAMETER = '\u0000workspace';
const stampQueries = new WeakMap<Kysely<Database>, CompiledQuery<{ stamp: number | string }>>();

/**
 * A number that changes with every change to the workspace's connections (added, edited, tested, removed), made by
 * any process: read it before a list, and the list is known to be current for as long as the number is the same.
 */
export async function connectionsStamp(db: Kysely<Database>, workspaceId: string): Promise<number> {
  // Asked before every list request, so built and compiled once per database (building costs more than running it).
  let compiled = stampQueries.get(db);
  if (!compiled) {
    compiled = db.selectFrom('connection_stamps').select('stamp').where('workspace_id', '=', STAMP_PARAMETER).compile();
    stampQueries.set(db, compiled);
  }
  const parameters = compiled.parameters.map((p) => (p === STAMP_PARAMETER ? workspaceId : p));
  const { rows } = await db.executeQuery<{ stamp: number | string }>({ ...compiled, parameters });
  const row = rows[0];
  return row ? Number(row.stamp) : 0;
}

/** Inserts the connection and its (already encrypted) secrets in one transaction. */
export async function insertConnection(
  db: Kysely<Database>,
  connection: NewConnection,
  secrets: readonly NewSecret[] = [],
): Promise<ConnectionRecord> {
  const now = toTimestamp(new Date());
  try {
    return await inTransaction(db, async (trx) => {
      const row = await trx
        .insertInto('connections')
        .values({
          ...fieldsToRow(connection),
          id: connection.id,
          workspace_id: connection.workspaceId,
          created_at: now,
          updated_at: now,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await insertSecrets(trx, ownerOf(connection.id), secrets);
      await moveStamp(trx, connection.workspaceId);
      return rowToRecord(row);
    });
  } catch (error) {
    throw mapConnectionWriteError(error, connection);
  }
}

export async function getConnection(db: Kysely<Database>, ref: ConnectionRef): Promise<ConnectionRecord | undefined> {
  let query = db.selectFrom('connections').selectAll().where('workspace_id', '=', ref.workspaceId);
  query = 'id' in ref ? query.where('id', '=', ref.id) : query.where('name_key', '=', nameKey(ref.name));
  const row = await query.executeTakeFirst();
  return row ? rowToRecord(row) : undefined;
}

function encodeCursor(record: ConnectionRecord): string {
  return Buffer.from(JSON.stringify([nameKey(record.name), record.id])).toString('base64url');
}

function decodeCursor(cursor: string): [string, string] {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === 'string')) {
      return value as [string, string];
    }
  } catch {
    // Falls through to the error below: the cause is the same either way.
  }
  throw new AzdoError(
    STORE_CURSOR_INVALID,
    'The paging cursor is not one this service handed out.',
    'Start again from the first page, and pass back the cursor of the previous page unchanged.',
  );
}

/** Ordered by name without regard to case; pages are keyed on (name, id), so edits between pages skip nothing. */
export async function listConnections(
  db: Kysely<Database>,
  options: { workspaceId: string; limit?: number; cursor?: string },
): Promise<ConnectionPage> {
  const asked = Math.trunc(options.limit ?? 50);
  const limit = Number.isFinite(asked) ? Math.min(Math.max(asked, 1), MAX_PAGE_SIZE) : 50;
  let query = db.selectFrom('connections').selectAll().where('workspace_id', '=', options.workspaceId);
  if (options.cursor !== undefined) {
    const [key, id] = decodeCursor(options.cursor);
    query = query.where((eb) =>
      eb.or([eb('name_key', '>', key), eb.and([eb('name_key', '=', key), eb('id', '>', id)])]),
    );
  }
  const rows = await query
    .orderBy('name_key')
    .orderBy('id')
    .limit(limit + 1)
    .execute();
  const connections = rows.slice(0, limit).map(rowToRecord);
  const last = connections[connections.length - 1];
  return { connections, nextCursor: rows.length > limit && last ? encodeCursor(last) : null };
}

export interface ConnectionUpdate {
  workspaceId: string;
  id: string;
  /** The version the caller read; the update fails with AZDO_STORE_CONFLICT if it has moved on. */
  expectedVersion: number;
  changes: Partial<ConnectionFields>;
  /** `put` replaces secrets by purpose; `remove` deletes them. Encrypted for this connection id. */
  secrets?: { put?: readonly NewSecret[]; remove?: readonly string[] };
}

/** Applies the changes and the secret changes in one transaction, only if nobody else changed it in between. */
export async function updateConnection(db: Kysely<Database>, update: ConnectionUpdate): Promise<ConnectionRecord> {
  let name = update.changes.name ?? '';
  try {
    return await inTransaction(db, async (trx) => {
      const current = await getConnection(trx, update);
      if (!current) throw connectionNotFound(update.id);
      if (current.version !== update.expectedVersion) throw storeConflict(update.id, update.expectedVersion);
      const merged: ConnectionFields = { ...current };
      // Skipping undefined keeps `{ tlsCa: undefined }` from erasing a value; null is how a caller clears one.
      for (const [key, value] of Object.entries(update.changes)) {
        if (value !== undefined) Object.assign(merged, { [key]: value });
      }
      name = merged.name;
      const row = await trx
        .updateTable('connections')
        .set({
          ...fieldsToRow(merged),
          updated_at: toTimestamp(new Date()),
          version: update.expectedVersion + 1,
        })
        .where('id', '=', update.id)
        .where('workspace_id', '=', update.workspaceId)
        // Checked again in the write itself: another process may have updated it since the read above.
        .where('version', '=', update.expectedVersion)
        .returningAll()
        .executeTakeFirst();
      if (!row) throw storeConflict(update.id, update.expectedVersion);
      const put = update.secrets?.put ?? [];
      const remove = update.secrets?.remove ?? [];
      await deleteSecrets(trx, ownerOf(update.id), [...put.map((s) => s.purpose), ...remove]);
      await insertSecrets(trx, ownerOf(update.id), put);
      await moveStamp(trx, update.workspaceId);
      return rowToRecord(row);
    });
  } catch (error) {
    throw mapConnectionWriteError(error, { name, workspaceId: update.workspaceId });
  }
}

/**
 * Deletes the connection and its secrets. False when it does not exist (in this workspace); with `expectedVersion`,
 * AZDO_STORE_CONFLICT when it changed since the caller read it.
 */
export async function deleteConnection(
  db: Kysely<Database>,
  ref: { workspaceId: string; id: string; expectedVersion?: number },
): Promise<boolean> {
  return inTransaction(db, async (trx) => {
    let query = trx.deleteFrom('connections').where('id', '=', ref.id).where('workspace_id', '=', ref.workspaceId);
    if (ref.expectedVersion !== undefined) query = query.where('version', '=', ref.expectedVersion);
    const result = await query.executeTakeFirst();
    if (result.numDeletedRows === 0n) {
      if (ref.expectedVersion !== undefined && (await getConnection(trx, ref))) {
        throw storeConflict(ref.id, ref.expectedVersion);
      }
      return false;
    }
    // Only after the scoped delete succeeded: an id from another workspace must not reach that one's secrets.
    await deleteSecrets(trx, ownerOf(ref.id));
    await moveStamp(trx, ref.workspaceId);
    return true;
  });
}

/**
 * Records a connection test. Status, not configuration: it neither bumps the version nor conflicts with an edit.
 * False when the connection no longer exists.
 */
export async function recordTestResult(
  db: Kysely<Database>,
  test: { workspaceId: string; id: string; ok: boolean; result: JsonValue; at?: Date },
): Promise<boolean> {
  return inTransaction(db, async (trx) => {
    const result = await trx
      .updateTable('connections')
      .set({
        last_test_at: toTimestamp(test.at ?? new Date()),
        last_test_ok: toFlag(test.ok),
        last_test_result: toJsonText(test.result),
      })
      .where('id', '=', test.id)
      .where('workspace_id', '=', test.workspaceId)
      .executeTakeFirst();
    if (result.numUpdatedRows === 0n) return false;
    await moveStamp(trx, test.workspaceId);
    return true;
  });
}

/**
 * Connections to the organization or collection of any Azure DevOps URL (a repository, a pull request, ...) or of a
 * deployment; both Services hosts match, names without regard to case. All workspaces unless one is given.
 */
export async function findConnectionsByUrl(
  db: Kysely<Database>,
  urlOrDeployment: string | Deployment,
  options: { workspaceId?: string } = {},
): Promise<ConnectionRecord[]> {
  const deployment = typeof urlOrDeployment === 'string' ? parseAzureUrl(urlOrDeployment).deployment : urlOrDeployment;
  let query = db.selectFrom('connections').selectAll().where('deployment_key', '=', deploymentKey(deployment));
  if (options.workspaceId !== undefined) query = query.where('workspace_id', '=', options.workspaceId);
  const rows = await query.orderBy('workspace_id').orderBy('name_key').orderBy('id').execute();
  return rows.map(rowToRecord);
}
