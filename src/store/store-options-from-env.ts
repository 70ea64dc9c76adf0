import { resolve } from 'node:path';

export interface StoreLocation {
  /** PostgreSQL when set; otherwise SQLite in `dataDir`. */
  databaseUrl?: string;
  /** Holds the SQLite file and the secret key file (also with PostgreSQL, unless the key comes from the env). */
  dataDir: string;
}

/** Where the store lives: DATABASE_URL for PostgreSQL, AZDO_CONNECT_DATA (default ./data) for local files. */
export function storeOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): StoreLocation {
  const databaseUrl = env.DATABASE_URL?.trim();
  const dataDir = resolve(env.AZDO_CONNECT_DATA?.trim() || 'data');
  return databaseUrl ? { databaseUrl, dataDir } : { dataDir };
}
