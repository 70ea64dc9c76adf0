// Which repositories each connection may be used for. No row in repository_selections means "all", so connections
// made before this migration keep seeing every repository.
import { sql, type Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('repository_selections')
    .addColumn('connection_id', 'text', (c) => c.primaryKey().references('connections.id').onDelete('cascade'))
    .addColumn('mode', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addCheckConstraint('repository_selections_mode_check', sql`mode in ('all', 'list')`)
    .execute();

  await db.schema
    .createTable('selected_repositories')
    .addColumn('connection_id', 'text', (c) => c.notNull().references('connections.id').onDelete('cascade'))
    // Matched by id, so a renamed repository stays selected; the names are what users see and type.
    .addColumn('repository_id', 'text', (c) => c.notNull())
    .addColumn('project', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('added_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('selected_repositories_pk', ['connection_id', 'repository_id'])
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('selected_repositories').execute();
  await db.schema.dropTable('repository_selections').execute();
}
