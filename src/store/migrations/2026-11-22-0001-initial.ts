// Portable SQL only: the same migration runs on SQLite and PostgreSQL. Text for timestamps and JSON, integer for
// booleans, base64 text for binary values (see database.ts). Later tables (members, API tokens, jobs) hang off
// workspaces; secrets stay polymorphic (owner_type + owner_id) so those tables can own encrypted values too.
import { sql, type Kysely } from 'kysely';

// Migrations are frozen in time: typing them against today's Database would break them when the schema moves on.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('workspaces')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  // The CLI works in one workspace; creating it here, under the migration lock, avoids a race between processes.
  await db
    .insertInto('workspaces')
    .values({ id: 'default', name: 'Default', created_at: new Date().toISOString() })
    .execute();

  await db.schema
    .createTable('connections')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('name_key', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('labels', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('deployment_key', 'text', (c) => c.notNull())
    .addColumn('deployment', 'text', (c) => c.notNull())
    .addColumn('credential_type', 'text', (c) => c.notNull())
    .addColumn('credential_public', 'text', (c) => c.notNull())
    .addColumn('custom_headers', 'text', (c) => c.notNull())
    .addColumn('tls_ca', 'text')
    .addColumn('ssh_known_hosts', 'text')
    .addColumn('last_test_at', 'text')
    .addColumn('last_test_ok', 'integer')
    .addColumn('last_test_result', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    // store-errors.ts recognises this name (PostgreSQL) and these columns (SQLite) as "name taken".
    .addUniqueConstraint('connections_workspace_name_key', ['workspace_id', 'name_key'])
    .addCheckConstraint('connections_kind_check', sql`kind in ('services', 'server')`)
    .addCheckConstraint('connections_credential_type_check', sql`credential_type in ('pat', 'ssh', 'servicePrincipal')`)
    .execute();

  await db.schema.createIndex('connections_deployment_key_idx').on('connections').column('deployment_key').execute();

  await db.schema
    .createTable('secrets')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('owner_type', 'text', (c) => c.notNull())
    .addColumn('owner_id', 'text', (c) => c.notNull())
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('key_id', 'text', (c) => c.notNull())
    .addColumn('nonce', 'text', (c) => c.notNull())
    .addColumn('ciphertext', 'text', (c) => c.notNull())
    .addColumn('tag', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    // Also serves lookups by owner, so no separate index.
    .addUniqueConstraint('secrets_owner_purpose', ['owner_type', 'owner_id', 'purpose'])
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('secrets').execute();
  await db.schema.dropTable('connections').execute();
  await db.schema.dropTable('workspaces').execute();
}
