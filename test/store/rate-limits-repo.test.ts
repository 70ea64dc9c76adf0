// Rate-limit windows in the store, on both dialects: concurrent hits each get their own count (no lost updates), a
// window that ran out starts again, reading does not count, and old windows are swept.
import { afterEach, describe, expect, it } from 'vitest';
import { countHit, deleteRateLimitsBefore, readHits } from '../../src/store/rate-limits-repo.js';
import { DIALECTS, testStores } from './test-stores.js';

const stores = testStores();
afterEach(async () => {
  await stores.cleanup();
});

const MINUTE = 60_000;
const T0 = Date.parse('2026-11-22T10:00:00Z');

describe.each(DIALECTS)('rate-limit windows on %s', (dialect) => {
  it('counts concurrent hits from two connections to the store exactly once each', async () => {
    const a = await stores.open(dialect);
    const b = await stores.reopen(dialect, a);
    const hits = await Promise.all(Array.from({ length: 20 }, (_, i) => countHit((i % 2 ? a : b).db, 'g|203.0.113.7', MINUTE, T0)));
    expect(hits.map((h) => h.hits).sort((x, y) => x - y)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(await readHits(a.db, 'g|203.0.113.7', MINUTE, T0 + 100)).toEqual({ hits: 20, ttlMs: MINUTE - 100 });
    // Another key has its own window.
    expect((await countHit(a.db, 'g|192.0.2.1', MINUTE, T0)).hits).toBe(1);
  });

  it('starts a new window once the last one ran out, and reading never counts', async () => {
    const { db } = await stores.open(dialect);
    expect(await readHits(db, 'k', MINUTE, T0)).toEqual({ hits: 0, ttlMs: MINUTE });
    await countHit(db, 'k', MINUTE, T0);
    expect(await countHit(db, 'k', MINUTE, T0 + 30_000)).toEqual({ hits: 2, ttlMs: 30_000 });
    expect(await readHits(db, 'k', MINUTE, T0 + 30_000)).toEqual({ hits: 2, ttlMs: 30_000 });
    expect(await readHits(db, 'k', MINUTE, T0 + MINUTE)).toEqual({ hits: 0, ttlMs: MINUTE });
    expect(await countHit(db, 'k', MINUTE, T0 + MINUTE + 5)).toEqual({ hits: 1, ttlMs: MINUTE });
  });

  it('sweeps windows that started before a time, and only those', async () => {
    const { db } = await stores.open(dialect);
    await countHit(db, 'old', MINUTE, T0);
    await countHit(db, 'new', MINUTE, T0 + 2 * MINUTE);
    expect(await deleteRateLimitsBefore(db, T0 + MINUTE)).toBe(1);
    expect((await readHits(db, 'new', MINUTE, T0 + 2 * MINUTE)).hits).toBe(1);
    expect((await readHits(db, 'old', MINUTE, T0)).hits).toBe(0);
  });
});
