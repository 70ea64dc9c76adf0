// Which repositories a connection may be used for (see the migration 2026-11-22-0002 for the tables).
import type { Kysely } from 'kysely';
import type { Database } from './database.js';
import { inTransaction } from './in-transaction.js';

export interface StoredSelection {
  mode: 'all' | 'list';
  repositories: Array<{ id: string; project: string; name: string }>;
}

/** A connection that never chose is 'all'. */
export async function readRepositorySelection(db: Kysely<Database>, connectionId: string): Promise<StoredSelection> {
  const row = await db.selectFrom('repository_selections').select('mode').where('connection_id', '=', connectionId).executeTakeFirst();
  if (!row || row.mode === 'all') return { mode: 'all', repositories: [] };
  const rows = await db
    .selectFrom('selected_repositories')
    .select(['repository_id', 'project', 'name'])
    .where('connection_id', '=', connectionId)
    .orderBy('project')
    .orderBy('name')
    .execute();
  return { mode: 'list', repositories: rows.map((r) => ({ id: r.repository_id, project: r.project, name: r.name })) };
}

/** Replaces the connection's selection whole, in one transaction. */
export async function writeRepositorySelection(db: Kysely<Database>, connectionId: string, selection: StoredSelection): Promise<void> {
  const now = new Date().toISOString();
  await inTransaction(db, async (trx) => {
    await trx.deleteFrom('selected_repositories').where('connection_id', '=', connectionId).execute();
    await trx.deleteFrom('repository_selections').where('connection_id', '=', connectionId).execute();
    await trx.insertInto('repository_selections').values({ connection_id: connectionId, mode: selection.mode, updated_at: now }).execute();
    const unique = new Map(selection.repositories.map((r) => [r.id, r]));
    if (selection.mode === 'list' && unique.size > 0) {
      await trx
        .insertInto('selected_repositories')
        .values([...unique.values()].map((r) => ({ connection_id: connectionId, repository_id: r.id, project: r.project, name: r.name, added_at: now })))
        .execute();
    }
  });
}
