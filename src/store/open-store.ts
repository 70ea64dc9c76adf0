// Opens the store (SQLite by default, PostgreSQL when given a URL) and brings its schema up to date, so every
// process that starts works on the schema it was built for.
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql, type MigrationResultSet, type SqliteDatabase as KyselySqliteDatabase } from 'kysely';
import pg from 'pg';
import { AzdoError } from '../errors/azdo-error.js';
import type { Database } from './database.js';
import { migrations } from './migrations/index.js';
import { DATABASE_URL_INVALID, STORE_MIGRATION_FAILED, storeUnavailable } from './store-errors.js';

export type StoreDialect = 'sqlite' | 'postgres';

export interface OpenStoreOptions {
  /** postgres:// or postgresql://. Without it the store is SQLite in `dataDir`. */
  databaseUrl?: string;
  /** Default ./data. */
  dataDir?: string;
  /** PostgreSQL only: work in this schema (created if missing), e.g. one per test run. */
  schema?: string;
}

export interface Store {
  db: Kysely<Database>;
  dialect: StoreDialect;
  close(): Promise<void>;
}

export const SQLITE_FILE_NAME = 'azdo-connect.db';

const POSTGRES_URL = /^postgres(?:ql)?:\/\//i;
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export async function openStore(options: OpenStoreOptions = {}): Promise<Store> {
  const databaseUrl = options.databaseUrl?.trim();
  const opened = databaseUrl
    ? openPostgres(databaseUrl, options.schema)
    : openSqlite(resolve(options.dataDir ?? 'data'));
  const { db, dialect, where } = opened;
  try {
    await prepare(db, dialect, where, options.schema);
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return { db, dialect, close: () => db.destroy() };
}

function openSqlite(dataDir: string): { db: Kysely<Database>; dialect: StoreDialect; where: string } {
  const file = join(dataDir, SQLITE_FILE_NAME);
  let database: SqliteDatabase.Database | undefined;
  try {
    // 0700: the file holds only ciphertext for secrets, but also names, URLs and the key file's neighbour.
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    database = new SqliteDatabase(file);
    // WAL + NORMAL: durable at every checkpoint, and ~5x the write rate of the default FULL (see STACK.md).
    database.pragma('journal_mode = WAL');
    database.pragma('synchronous = NORMAL');
    database.pragma('foreign_keys = ON');
    database.pragma('busy_timeout = 5000');
  } catch (error) {
    database?.close();
    throw storeUnavailable(file, error);
  }
  return { db: new Kysely<Database>({ dialect: new SqliteDialect({ database: reusingStatements(database) }) }), dialect: 'sqlite', where: file };
}

/** Distinct SQL texts whose statements are kept; queries with lists of varying length make more, the oldest go. */
const KEPT_STATEMENTS = 500;

/**
 * better-sqlite3 as Kysely sees it, with its prepared statements kept: Kysely prepares every query anew, and preparing
 * costs about as much as running a small query. The same SQL text reuses its statement, unless that one is still
 * being read (a streamed query), which gets one of its own.
 */
export function reusingStatements(database: SqliteDatabase.Database, max = KEPT_STATEMENTS): KyselySqliteDatabase {
  const statements = new Map<string, SqliteDatabase.Statement>();
  return {
    close() {
      statements.clear();
      database.close();
    },
    prepare(text) {
      const kept = statements.get(text);
      if (kept && !kept.busy) return kept;
      const statement = database.prepare(text);
      if (!kept) {
        if (statements.size >= max) {
          const oldest = statements.keys().next();
          if (!oldest.done) statements.delete(oldest.value);
        }
        statements.set(text, statement);
      }
      return statement;
    },
  };
}

function openPostgres(
  databaseUrl: string,
  schema: string | undefined,
): { db: Kysely<Database>; dialect: StoreDialect; where: string } {
  if (!POSTGRES_URL.test(databaseUrl)) {
    // Not echoed: the value may hold a password.
    throw new AzdoError(
      DATABASE_URL_INVALID,
      'DATABASE_URL is not a PostgreSQL URL.',
      'Set it to postgres://user:password@host:5432/database, or unset it to keep the data in a SQLite file.',
    );
  }
  if (schema !== undefined && !SCHEMA_NAME.test(schema)) {
    throw new Error('A store schema name is lower-case letters, digits and underscores.');
  }
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    ...(schema === undefined ? {} : { options: `-c search_path=${schema}` }),
  });
  // An idle client losing its connection must not crash the process; the next query reports the failure.
  pool.on('error', () => undefined);
  return { db: new Kysely<Database>({ dialect: new PostgresDialect({ pool }) }), dialect: 'postgres', where: 'DATABASE_URL' };
}

async function prepare(db: Kysely<Database>, dialect: StoreDialect, where: string, schema?: string): Promise<void> {
  let migrationSchema: string | undefined;
  try {
    if (dialect === 'postgres') {
      if (schema !== undefined) await sql`create schema if not exists ${sql.id(schema)}`.execute(db);
      // Named explicitly: unnamed, Kysely would find another schema's migration table and skip creating its own.
      const current = await sql<{ name: string | null }>`select current_schema() as name`.execute(db);
      migrationSchema = current.rows[0]?.name ?? undefined;
    } else {
      await sql`select 1`.execute(db);
    }
  } catch (error) {
    throw storeUnavailable(where, error);
  }
  const migrator = new Migrator({
    db,
    provider: { getMigrations: () => Promise.resolve(migrations) },
    ...(migrationSchema === undefined ? {} : { migrationTableSchema: migrationSchema }),
  });
  let outcome = await migrateAtomically(db, dialect, where, migrator);
  // Kysely finds its migration tables by listing the tables of every schema; a schema another process drops at that
  // moment (parallel test runs) fails the listing with 3F000 before anything is migrated (PostgreSQL migrates in one
  // transaction), so another try is safe.
  for (let retry = 0; retry < 3 && dialect === 'postgres' && (outcome.error as { code?: unknown } | undefined)?.code === '3F000'; retry += 1) {
    outcome = await migrateAtomically(db, dialect, where, migrator);
  }
  const { error, results } = outcome;
  if (error === undefined) return;
  if (await newerMigrations(db, migrationSchema)) {
    throw new AzdoError(
      STORE_MIGRATION_FAILED,
      'The database was last used by a newer version of azdo-connect, which changed its structure.',
      'Upgrade azdo-connect to at least the version that last used this database.',
    );
  }
  const failed = results?.find((r) => r.status === 'Error')?.migrationName;
  throw new AzdoError(
    STORE_MIGRATION_FAILED,
    `The database structure could not be brought up to date${failed ? ` (step ${failed} failed)` : ''}; nothing of that step was kept.`,
    'Check that the database user may create tables and indexes, then start again. If it keeps failing, report it with the step name.',
    failed ? { migration: failed } : undefined,
  );
}

/**
 * Kysely runs PostgreSQL migrations in one transaction but SQLite ones in none (its adapter declines transactional
 * DDL), so a crash halfway would leave tables that make every later start fail. SQLite does roll DDL back, and the
 * store has a single connection, so the whole run is wrapped here.
 */
async function migrateAtomically(
  db: Kysely<Database>,
  dialect: StoreDialect,
  where: string,
  migrator: Migrator,
): Promise<MigrationResultSet> {
  if (dialect !== 'sqlite') return migrator.migrateToLatest();
  // Immediate: another process holding the file's write lock past the busy timeout is reported, not half-migrated.
  await sql`begin immediate`.execute(db).catch((error: unknown) => {
    throw storeUnavailable(where, error);
  });
  let outcome: MigrationResultSet;
  try {
    outcome = await migrator.migrateToLatest();
  } catch (error) {
    outcome = { error };
  }
  await sql.raw(outcome.error === undefined ? 'commit' : 'rollback').execute(db);
  return outcome;
}

/** True when the database ran a migration this build does not know: it was written by a newer version. */
async function newerMigrations(db: Kysely<Database>, schema: string | undefined): Promise<boolean> {
  const known = new Set(Object.keys(migrations));
  const table = schema === undefined ? sql.table('kysely_migration') : sql.table(`${schema}.kysely_migration`);
  try {
    const rows = await sql<{ name: string }>`select name from ${table}`.execute(db);
    return rows.rows.some((r) => !known.has(r.name));
  } catch {
    return false;
  }
}
