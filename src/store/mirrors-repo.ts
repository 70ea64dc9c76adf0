// Mirror records: where each repository's mirror lives and how its last fetch went.
import type { Kysely, Selectable } from 'kysely';
import { fromJsonText, toJsonText, toTimestamp } from './columns.js';
import type { Database, MirrorStatus, MirrorsTable } from './database.js';

export interface MirrorError {
  code: string;
  message: string;
  at: string;
}

export interface MirrorRecord {
  connectionId: string;
  repositoryId: string;
  project: string;
  name: string;
  path: string;
  status: MirrorStatus;
  filter?: string;
  lastFetchedAt?: string;
  lastAttemptAt?: string;
  lastError?: MirrorError;
  createdAt: string;
}

type MirrorRow = Selectable<MirrorsTable>;

export function mirrorNameKey(project: string, name: string): string {
  return `${project}/${name}`.toLowerCase();
}

function toRecord(row: MirrorRow): MirrorRecord {
  return {
    connectionId: row.connection_id,
    repositoryId: row.repository_id,
    project: row.project,
    name: row.name,
    path: row.path,
    status: row.status,
    ...(row.filter !== null ? { filter: row.filter } : {}),
    ...(row.last_fetched_at !== null ? { lastFetchedAt: row.last_fetched_at } : {}),
    ...(row.last_attempt_at !== null ? { lastAttemptAt: row.last_attempt_at } : {}),
    ...(row.last_error !== null ? { lastError: fromJsonText<MirrorError>(row.last_error) } : {}),
    createdAt: row.created_at,
  };
}

export async function getMirror(
  db: Kysely<Database>,
  ref: { connectionId: string } & ({ repositoryId: string } | { project: string; name: string }),
): Promise<MirrorRecord | undefined> {
  let query = db.selectFrom('mirrors').selectAll().where('connection_id', '=', ref.connectionId);
  query = 'repositoryId' in ref ? query.where('repository_id', '=', ref.repositoryId) : query.where('name_key', '=', mirrorNameKey(ref.project, ref.name));
  // By name, several rows can match after a rename and a new repository taking the old name: the latest wins.
  const row = await query.orderBy('created_at', 'desc').executeTakeFirst();
  return row ? toRecord(row) : undefined;
}

export async function listMirrors(db: Kysely<Database>, connectionId: string): Promise<MirrorRecord[]> {
  const rows = await db.selectFrom('mirrors').selectAll().where('connection_id', '=', connectionId).orderBy('name_key').execute();
  return rows.map(toRecord);
}

/** Creates the record, or refreshes its names and path (a renamed repository keeps its id and its mirror). */
export async function upsertMirror(
  db: Kysely<Database>,
  m: { connectionId: string; repositoryId: string; project: string; name: string; path: string; filter?: string },
): Promise<MirrorRecord> {
  const now = toTimestamp(new Date());
  const names = { project: m.project, name: m.name, name_key: mirrorNameKey(m.project, m.name), path: m.path };
  await db
    .insertInto('mirrors')
    .values({
      connection_id: m.connectionId,
      repository_id: m.repositoryId,
      ...names,
      status: 'missing',
      filter: m.filter ?? null,
      last_fetched_at: null,
      last_attempt_at: null,
      last_error: null,
      created_at: now,
    })
    .onConflict((oc) => oc.columns(['connection_id', 'repository_id']).doUpdateSet(names))
    .execute();
  return (await getMirror(db, { connectionId: m.connectionId, repositoryId: m.repositoryId }))!;
}

export async function recordFetchSucceeded(
  db: Kysely<Database>,
  m: { connectionId: string; repositoryId: string; status: Exclude<MirrorStatus, 'missing'>; filter?: string; at?: Date },
): Promise<void> {
  const at = toTimestamp(m.at ?? new Date());
  await db
    .updateTable('mirrors')
    .set({ status: m.status, filter: m.filter ?? null, last_fetched_at: at, last_attempt_at: at, last_error: null })
    .where('connection_id', '=', m.connectionId)
    .where('repository_id', '=', m.repositoryId)
    .execute();
}

/** The mirror itself is untouched by a failed fetch, so only the attempt and its error are recorded. */
export async function recordFetchFailed(
  db: Kysely<Database>,
  m: { connectionId: string; repositoryId: string; code: string; message: string; at?: Date },
): Promise<void> {
  const at = toTimestamp(m.at ?? new Date());
  await db
    .updateTable('mirrors')
    .set({ last_attempt_at: at, last_error: toJsonText({ code: m.code, message: m.message, at }) })
    .where('connection_id', '=', m.connectionId)
    .where('repository_id', '=', m.repositoryId)
    .execute();
}
