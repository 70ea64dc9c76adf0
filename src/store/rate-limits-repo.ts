// Fixed-window counters: one row per limiter and client, counted with one atomic upsert, so that concurrent hits
// from several instances never lose a count. A window that has run out starts again at the hit that finds it so.
import type { Kysely } from 'kysely';
import type { Database } from './database.js';

export interface RateLimitWindow {
  hits: number;
  /** Milliseconds left in the window. */
  ttlMs: number;
}

/** Counts one hit against `key` and answers the window it fell in. */
export async function countHit(db: Kysely<Database>, key: string, windowMs: number, nowMs: number): Promise<RateLimitWindow> {
  const row = await db
    .insertInto('rate_limits')
    .values({ key, hits: 1, window_started_ms: nowMs })
    .onConflict((oc) =>
      oc.column('key').doUpdateSet((eb) => {
        const over = eb(eb('rate_limits.window_started_ms', '+', windowMs), '<=', nowMs);
        return {
          hits: eb.case().when(over).then(1).else(eb('rate_limits.hits', '+', 1)).end(),
          window_started_ms: eb.case().when(over).then(nowMs).else(eb.ref('rate_limits.window_started_ms')).end(),
        };
      }),
    )
    .returning(['hits', 'window_started_ms'])
    .executeTakeFirstOrThrow();
  return { hits: Number(row.hits), ttlMs: Math.max(0, Number(row.window_started_ms) + windowMs - nowMs) };
}

/** The window as it stands, without counting: no row, or one whose window ran out, is an empty window. */
export async function readHits(db: Kysely<Database>, key: string, windowMs: number, nowMs: number): Promise<RateLimitWindow> {
  const row = await db.selectFrom('rate_limits').select(['hits', 'window_started_ms']).where('key', '=', key).executeTakeFirst();
  const started = row ? Number(row.window_started_ms) : undefined;
  if (!row || started === undefined || started + windowMs <= nowMs) return { hits: 0, ttlMs: windowMs };
  return { hits: Number(row.hits), ttlMs: started + windowMs - nowMs };
}

/** Forgets windows that started before `beforeMs` (they can no longer limit anything). */
export async function deleteRateLimitsBefore(db: Kysely<Database>, beforeMs: number): Promise<number> {
  const result = await db.deleteFrom('rate_limits').where('window_started_ms', '<', beforeMs).executeTakeFirst();
  return Number(result.numDeletedRows);
}
