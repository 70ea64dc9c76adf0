// @fastify/rate-limit's counters kept in the service's store instead of each process's memory: every instance
// sharing a PostgreSQL database (or processes sharing a SQLite file) counts the same sign-in attempts, so adding
// instances does not multiply what an attacker may try. Only the sign-in routes are limited, and they are rare, so a
// write per attempt costs nothing that matters.
import type { FastifyRateLimitOptions, FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import type { Kysely } from 'kysely';
import type { Database } from '../store/database.js';
import { countHit, deleteRateLimitsBefore, readHits } from '../store/rate-limits-repo.js';

/** Windows older than this are deleted now and then; no limiter here has a longer window. */
const KEEP_MS = 60 * 60 * 1000;
const SWEEP_EVERY_MS = 10 * 60 * 1000;

type Callback = (error: Error | null, result?: { current: number; ttl: number }) => void;

/** What a store's child is made for: a route's limit (named by `groupId`, or by its route) or a limiter made by hand. */
interface ChildOptions {
  groupId?: string;
  routeInfo?: { method?: string | string[]; url?: string };
}

export function sharedRateLimitStore(db: Kysely<Database>, now: () => number = Date.now): FastifyRateLimitStoreCtor {
  let lastSweep = 0;
  const sweep = (at: number): void => {
    if (at - lastSweep < SWEEP_EVERY_MS) return;
    lastSweep = at;
    void deleteRateLimitsBefore(db, at - KEEP_MS).catch(() => undefined);
  };

  class SharedRateLimitStore implements FastifyRateLimitStore {
    readonly #group: string;

    constructor(options: FastifyRateLimitOptions & ChildOptions) {
      const route = options.routeInfo;
      // Two limiters on one route (all attempts, failed ones) must not share counters: each is given its own group.
      this.#group = options.groupId ?? (route?.url ? `${String(route.method)} ${route.url}` : 'global');
    }

    incr(key: string, callback: Callback, timeWindow: number): void {
      const at = now();
      sweep(at);
      countHit(db, `${this.#group}|${key}`, timeWindow, at).then(
        (w) => callback(null, { current: w.hits, ttl: w.ttlMs }),
        (error: unknown) => callback(error as Error),
      );
    }

    /** Used by `limiter(request, { increment: false })`: the count without adding to it. */
    read(key: string, callback: Callback, timeWindow: number): void {
      readHits(db, `${this.#group}|${key}`, timeWindow, now()).then(
        (w) => callback(null, { current: w.hits, ttl: w.ttlMs }),
        (error: unknown) => callback(error as Error),
      );
    }

    child(options: FastifyRateLimitOptions & ChildOptions): FastifyRateLimitStore {
      return new SharedRateLimitStore(options);
    }
  }
  return SharedRateLimitStore as unknown as FastifyRateLimitStoreCtor;
}
