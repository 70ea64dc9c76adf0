import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, Migrator, NO_MIGRATIONS, PostgresDialect, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { migrations } from '../../src/store/migrations/index.js';
import { openStore, SQLITE_FILE_NAME } from '../../src/store/open-store.js';
import { storeOptionsFromEnv } from '../../src/store/store-options-from-env.js';
import { DIALECTS, POSTGRES_URL, testStores } from './test-stores.js';
import { rejection } from '../helpers/rejection.js';

const stores = testStores();
afterAll(() => stores.cleanup());


describe.each(DIALECTS)('openStore on %s', (dialect) => {
  it('creates the tables and the default workspace on first open', async () => {
    const store = await stores.open(dialect);
    const workspaces = await store.db.selectFrom('workspaces').selectAll().execute();
    expect(workspaces.map((w) => w.id)).toEqual(['default']);
    expect(await store.db.selectFrom('connections').selectAll().execute()).toEqual([]);
    expect(await store.db.selectFrom('secrets').selectAll().execute()).toEqual([]);
  });

  it('runs migrations once: opening again applies nothing and keeps the data', async () => {
    const store = await stores.open(dialect);
    await store.db.insertInto('workspaces').values({ id: 'w2', name: 'Second', created_at: new Date().toISOString() }).execute();
    await store.close();
    const again = await stores.reopen(dialect, store);
    const third = await stores.reopen(dialect, store);
    const ran = await sql<{ name: string }>`select name from kysely_migration`.execute(third.db);
    expect(ran.rows.map((r) => r.name)).toEqual(Object.keys(migrations));
    const ids = await again.db.selectFrom('workspaces').select('id').orderBy('id').execute();
    expect(ids.map((r) => r.id)).toEqual(['default', 'w2']);
  });

  it('migrates down to nothing and up again', async () => {
    const store = await stores.open(dialect);
    const migrator = new Migrator({
      db: store.db,
      provider: { getMigrations: () => Promise.resolve(migrations) },
      ...(store.schema ? { migrationTableSchema: store.schema } : {}),
    });
    const down = await migrator.migrateTo(NO_MIGRATIONS);
    expect(down.error).toBeUndefined();
    // PostgreSQL lists every schema's tables; other tests' schemas live in the same database.
    const tables = (await store.db.introspection.getTables()).filter((t) => t.schema === store.schema).map((t) => t.name);
    expect(tables).not.toContain('connections');
    const up = await migrator.migrateToLatest();
    expect(up.error).toBeUndefined();
    expect(await store.db.selectFrom('connections').selectAll().execute()).toEqual([]);
  });

  it('refuses a database last used by a newer version, saying so', async () => {
    const store = await stores.open(dialect);
    await sql`insert into kysely_migration (name, timestamp) values ('2999-01-01-0001-future', ${new Date().toISOString()})`.execute(
      store.db,
    );
    await store.close();
    const error = await rejection(stores.reopen(dialect, store));
    expect(error.code).toBe('AZDO_STORE_MIGRATION_FAILED');
    expect(error.message).toMatch(/newer version/);
    expect(error.hint).toMatch(/Upgrade/);
  });
});

describe.each(DIALECTS)('a migration that fails on %s', (dialect) => {
  it('keeps nothing of the step and names it', async () => {
    // A table already in the way of the migration's last step: everything before that step must roll back too.
    const dataDir = await stores.newDataDir();
    const schema = stores.newSchema();
    if (dialect === 'sqlite') {
      const raw = new SqliteDatabase(join(dataDir, SQLITE_FILE_NAME));
      raw.exec('create table secrets (x integer)');
      raw.close();
    } else {
      const client = new pg.Client({ connectionString: POSTGRES_URL });
      await client.connect();
      await client.query(`create schema ${schema}; create table ${schema}.secrets (x integer)`);
      await client.end();
    }
    const error = await rejection(stores.reopen(dialect, { dataDir, schema }));
    expect(error.code).toBe('AZDO_STORE_MIGRATION_FAILED');
    expect(error.details).toEqual({ migration: '2026-11-22-0001-initial' });

    const raw =
      dialect === 'sqlite'
        ? new Kysely<Record<string, never>>({ dialect: new SqliteDialect({ database: new SqliteDatabase(join(dataDir, SQLITE_FILE_NAME)) }) })
        : new Kysely<Record<string, never>>({
            dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: POSTGRES_URL, options: `-c search_path=${schema}` }) }),
          });
    try {
      const tables = (await raw.introspection.getTables()).filter((t) => dialect === 'sqlite' || t.schema === schema);
      expect(tables.map((t) => t.name)).not.toContain('workspaces');
      expect(tables.map((t) => t.name)).not.toContain('connections');
    } finally {
      await raw.destroy();
    }
  });
});

describe('openStore on SQLite', () => {
  it('keeps its file in the data directory, with WAL, synchronous=NORMAL and foreign keys on', async () => {
    const store = await stores.open('sqlite');
    expect(existsSync(join(store.dataDir, SQLITE_FILE_NAME))).toBe(true);
    const journal = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(store.db);
    const synchronous = await sql<{ synchronous: number }>`pragma synchronous`.execute(store.db);
    const foreignKeys = await sql<{ foreign_keys: number }>`pragma foreign_keys`.execute(store.db);
    expect(journal.rows[0]?.journal_mode).toBe('wal');
    expect(synchronous.rows[0]?.synchronous).toBe(1);
    expect(foreignKeys.rows[0]?.foreign_keys).toBe(1);
  });

  it('creates a missing data directory', async () => {
    const dataDir = join(await stores.newDataDir(), 'nested', 'data');
    const store = await stores.reopen('sqlite', { dataDir });
    expect(store.dialect).toBe('sqlite');
    expect(existsSync(join(dataDir, SQLITE_FILE_NAME))).toBe(true);
  });

  it('reports a data directory that cannot hold the database as AZDO_STORE_UNAVAILABLE', async () => {
    const blocker = join(await stores.newDataDir(), 'not-a-directory');
    await writeFile(blocker, 'x');
    const error = await rejection(openStore({ dataDir: blocker }));
    expect(error.code).toBe('AZDO_STORE_UNAVAILABLE');
    expect(error.hint).toMatch(/AZDO_CONNECT_DATA/);
  });

  it('reports a file that is not a database as AZDO_STORE_UNAVAILABLE', async () => {
    const dataDir = await stores.newDataDir();
    await writeFile(join(dataDir, SQLITE_FILE_NAME), 'this is not a database, just text long enough to be read'.repeat(20));
    const error = await rejection(openStore({ dataDir }));
    expect(error.code).toBe('AZDO_STORE_UNAVAILABLE');
    expect(error.message).toContain(SQLITE_FILE_NAME);
  });
});

describe('openStore on PostgreSQL', () => {
  it('refuses a DATABASE_URL that is not PostgreSQL without repeating it', async () => {
    const url = 'mysql://admin:Sup3r-SECRET@db.example/azdo';
    const error = await rejection(openStore({ databaseUrl: url }));
    expect(error.code).toBe('AZDO_DATABASE_URL_INVALID');
    expect(JSON.stringify({ ...error, message: error.message })).not.toContain('Sup3r-SECRET');
  });

  it('reports an unreachable server as AZDO_STORE_UNAVAILABLE without the password', async () => {
    const error = await rejection(openStore({ databaseUrl: 'postgres://root:Sup3r-SECRET@127.0.0.1:1/test' }));
    expect(error.code).toBe('AZDO_STORE_UNAVAILABLE');
    expect(error.message).toContain('DATABASE_URL');
    const everything = JSON.stringify({ ...error, message: error.message, hint: error.hint });
    expect(everything).not.toContain('Sup3r-SECRET');
    expect(everything).not.toContain('127.0.0.1:1');
  });

  it('keeps each schema separate: tables in one are not seen from another', async () => {
    const a = await stores.open('postgres');
    const b = await stores.open('postgres');
    await a.db.insertInto('workspaces').values({ id: 'only-in-a', name: 'A', created_at: new Date().toISOString() }).execute();
    const inB = await b.db.selectFrom('workspaces').select('id').execute();
    expect(inB.map((r) => r.id)).toEqual(['default']);
    expect(POSTGRES_URL).toMatch(/^postgres:/);
  });
});

describe('storeOptionsFromEnv', () => {
  it('uses ./data by default and AZDO_CONNECT_DATA when set', () => {
    expect(storeOptionsFromEnv({})).toEqual({ dataDir: resolve('data') });
    expect(storeOptionsFromEnv({ AZDO_CONNECT_DATA: '/srv/azdo' })).toEqual({ dataDir: '/srv/azdo' });
  });

  it('chooses PostgreSQL when DATABASE_URL is set, and ignores an empty one', () => {
    expect(storeOptionsFromEnv({ DATABASE_URL: 'postgres://h/db' })).toEqual({
      databaseUrl: 'postgres://h/db',
      dataDir: resolve('data'),
    });
    expect(storeOptionsFromEnv({ DATABASE_URL: '  ' })).toEqual({ dataDir: resolve('data') });
  });
});
