// Commits hidden from pickers, per repository of a connection. Hiding is a mark, not a deletion: unhiding restores
// the commit to every listing.
import type { Kysely } from 'kysely';
import { toTimestamp } from './columns.js';
import type { Database } from './database.js';

export interface RepositoryKey {
  connectionId: string;
  repositoryId: string;
}

/** True when the commit was not hidden before. */
export async function hideCommit(db: Kysely<Database>, ref: RepositoryKey & { commitId: string; at?: Date }): Promise<boolean> {
  const result = await db
    .insertInto('hidden_commits')
    .values({
      connection_id: ref.connectionId,
      repository_id: ref.repositoryId,
      commit_id: ref.commitId.toLowerCase(),
      hidden_at: toTimestamp(ref.at ?? new Date()),
    })
    .onConflict((oc) => oc.columns(['connection_id', 'repository_id', 'commit_id']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
}

/** True when the commit was hidden. */
export async function unhideCommit(db: Kysely<Database>, ref: RepositoryKey & { commitId: string }): Promise<boolean> {
  const result = await db
    .deleteFrom('hidden_commits')
    .where('connection_id', '=', ref.connectionId)
    .where('repository_id', '=', ref.repositoryId)
    .where('commit_id', '=', ref.commitId.toLowerCase())
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}

/** commit id → when it was hidden. */
export async function hiddenCommits(db: Kysely<Database>, ref: RepositoryKey): Promise<Map<string, string>> {
  const rows = await db
    .selectFrom('hidden_commits')
    .select(['commit_id', 'hidden_at'])
    .where('connection_id', '=', ref.connectionId)
    .where('repository_id', '=', ref.repositoryId)
    .execute();
  return new Map(rows.map((r) => [r.commit_id, r.hidden_at]));
}
