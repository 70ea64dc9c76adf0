// Real stores for tests: a fresh SQLite directory or a fresh PostgreSQL schema per open, removed by cleanup().
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openStore, type Store, type StoreDialect } from '../../src/store/open-store.js';

export const DIALECTS = ['sqlite', 'postgres'] as const satisfies readonly StoreDialect[];

export const POSTGRES_URL = process.env.AZDO_TEST_DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/test';

export interface TestStore extends Store {
  /** SQLite: the data directory; PostgreSQL: a scratch directory (for key files). */
  dataDir: string;
  /** PostgreSQL only. */
  schema?: string;
}

export function testStores() {
  const dirs: string[] = [];
  const schemas: string[] = [];
  const stores: Store[] = [];

  return {
    async newDataDir(): Promise<string> {
      const dir = await mkdtemp(join(tmpdir(), 'azdo-store-'));
      dirs.push(dir);
      return dir;
    },

    newSchema(): string {
      const schema = `t_${randomBytes(6).toString('hex')}`;
      schemas.push(schema);
      return schema;
    },

    /** Opens another store on the same place, tracked for cleanup. */
    async reopen(dialect: StoreDialect, place: { dataDir: string; schema?: string }): Promise<Store> {
      const store =
        dialect === 'sqlite'
          ? await openStore({ dataDir: place.dataDir })
          : await openStore({ databaseUrl: POSTGRES_URL, schema: place.schema ?? 'public_missing' });
      stores.push(store);
      return store;
    },

    async open(dialect: StoreDialect): Promise<TestStore> {
      const dataDir = await this.newDataDir();
      const schema = dialect === 'postgres' ? this.newSchema() : undefined;
      const store = await this.reopen(dialect, { dataDir, ...(schema ? { schema } : {}) });
      return { ...store, dataDir, ...(schema ? { schema } : {}) };
    },

    async cleanup(): Promise<void> {
      for (const store of stores.splice(0)) await store.close().catch(() => undefined);
      if (schemas.length > 0) {
        const client = new pg.Client({ connectionString: POSTGRES_URL });
        await client.connect();
        try {
          for (const schema of schemas.splice(0)) {
            await client.query(`drop schema if exists "${schema}" cascade`);
            // pg-boss's tables beside the store's (src/jobs/pg-boss-queue.ts).
            await client.query(`drop schema if exists "${schema}_boss" cascade`);
          }
        } finally {
          await client.end();
        }
      }
      for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true, maxRetries: 5 });
    },
  };
}
