// What the parts of the access service share.
import type { Kysely } from 'kysely';
import type { Database } from '../store/database.js';
import type { StoreDialect } from '../store/open-store.js';
import type { PrincipalCache } from './principal-cache.js';

export interface AccessDeps {
  db: Kysely<Database>;
  dialect: StoreDialect;
  /** Without a trailing slash. */
  publicUrl: string;
  /** The clock; tests move it to expire links, sessions and tokens. */
  now(): Date;
  /** HMAC key for CSRF tokens, derived from the vault's key. */
  csrfKey: Buffer;
  /** Principals of tokens and sessions seen in the last few seconds; whoever changes access forgets what it changed. */
  principals: PrincipalCache;
}

export const HOUR_MS = 3600_000;
export const DAY_MS = 24 * HOUR_MS;
