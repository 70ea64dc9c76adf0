// Local git mirrors of repositories, and the commits users hid from pickers. Both belong to a connection and go
// with it. Hidden commits are only marked: the commits themselves stay in the mirror.
import { sql, type Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('mirrors')
    .addColumn('connection_id', 'text', (c) => c.notNull().references('connections.id').onDelete('cascade'))
    // Azure DevOps' repository id, or a key made from the names when only git (SSH) can be asked.
    .addColumn('repository_id', 'text', (c) => c.notNull())
    .addColumn('project', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    // Lower-cased "project/name": Azure DevOps compares names without regard to case.
    .addColumn('name_key', 'text', (c) => c.notNull())
    .addColumn('path', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('filter', 'text')
    .addColumn('last_fetched_at', 'text')
    .addColumn('last_attempt_at', 'text')
    // JSON {code, message, at} of the last failed fetch; null once a fetch succeeds.
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('mirrors_pk', ['connection_id', 'repository_id'])
    .addCheckConstraint('mirrors_status_check', sql`status in ('missing', 'ready', 'empty')`)
    .execute();
  await db.schema.createIndex('mirrors_name_key_idx').on('mirrors').columns(['connection_id', 'name_key']).execute();

  await db.schema
    .createTable('hidden_commits')
    .addColumn('connection_id', 'text', (c) => c.notNull().references('connections.id').onDelete('cascade'))
    .addColumn('repository_id', 'text', (c) => c.notNull())
    .addColumn('commit_id', 'text', (c) => c.notNull())
    .addColumn('hidden_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('hidden_commits_pk', ['connection_id', 'repository_id', 'commit_id'])
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('hidden_commits').execute();
  await db.schema.dropTable('mirrors').execute();
}
