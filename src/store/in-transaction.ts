import type { Kysely, Transaction } from 'kysely';

/**
 * Runs `work` in a transaction, or in the caller's when `db` already is one, so repository functions compose:
 * a service can write a connection and something else atomically by passing its own transaction down.
 */
export async function inTransaction<DB, T>(db: Kysely<DB>, work: (trx: Kysely<DB>) => Promise<T>): Promise<T> {
  if (db.isTransaction) return work(db);
  return db.transaction().execute((trx: Transaction<DB>) => work(trx));
}
