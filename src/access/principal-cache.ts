// The principals of API tokens and sessions, kept for a few seconds: a script or a page making many requests would
// otherwise look up its token or session, its user and its membership on every one of them. This instance forgets an
// entry at once when access changes through it (a token revoked, a session signed out, a member invited, removed or
// given another role, a user disabled, a workspace created); other instances cannot be told, so they find out when
// their entry runs out, within `ttlMs` (docs/access.md). An entry never outlives the token or session it stands for.
import type { Principal } from './principal.js';

interface Entry {
  principal: Principal;
  /** Epoch ms: the earlier of the cache's limit and the token's or session's expiry. */
  validUntil: number;
}

export interface PrincipalCacheOptions {
  /** How long an entry is used without looking again; 0 turns the cache off. */
  ttlMs: number;
  /** The clock (the access service's, so tests that move it expire entries too). */
  now(): Date;
  /** The oldest entries go first beyond this. Default 10,000. */
  maxEntries?: number;
}

export class PrincipalCache {
  readonly #entries = new Map<string, Entry>();
  readonly #ttlMs: number;
  readonly #now: () => Date;
  readonly #max: number;
  /** Moves on with every change of access, so a lookup that raced a change is not kept (see `set`). */
  #generation = 0;

  constructor(o: PrincipalCacheOptions) {
    this.#ttlMs = Math.max(0, o.ttlMs);
    this.#now = o.now;
    this.#max = Math.max(1, o.maxEntries ?? 10_000);
  }

  /** A copy of the cached principal (routes may not change the shared one), or undefined. */
  get(key: string): Principal | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (this.#now().getTime() >= entry.validUntil) {
      this.#entries.delete(key);
      return undefined;
    }
    return { ...entry.principal };
  }

  /** Pass to `set` the value read before looking the principal up. */
  get generation(): number {
    return this.#generation;
  }

  /**
   * Keeps `principal` until the cache's limit or `expiresAt` (ISO-8601), whichever comes first, unless access changed
   * on this instance since `generation` was read: the principal may have been read before that change.
   */
  set(key: string, principal: Principal, expiresAt: string, generation: number): void {
    if (this.#ttlMs === 0 || generation !== this.#generation) return;
    const validUntil = Math.min(this.#now().getTime() + this.#ttlMs, Date.parse(expiresAt));
    if (!(validUntil > this.#now().getTime())) return;
    this.#entries.delete(key);
    if (this.#entries.size >= this.#max) {
      const oldest = this.#entries.keys().next();
      if (!oldest.done) this.#entries.delete(oldest.value);
    }
    this.#entries.set(key, { principal: { ...principal }, validUntil });
  }

  /** Forgets every entry whose key starts with `prefix`. */
  forgetKeys(prefix: string): void {
    this.#generation += 1;
    for (const key of this.#entries.keys()) if (key.startsWith(prefix)) this.#entries.delete(key);
  }

  /** Forgets every entry whose principal matches; changes of access are rare, so a scan is fine. */
  forget(match: (p: Principal) => boolean): void {
    this.#generation += 1;
    for (const [key, entry] of this.#entries) if (match(entry.principal)) this.#entries.delete(key);
  }

  /** Every token of the user and every session of theirs: their role, membership or account changed. */
  forgetUser(userId: string): void {
    this.forget((p) => p.userId === userId);
  }

  forgetToken(tokenId: string): void {
    this.forget((p) => p.tokenId === tokenId);
  }

  forgetSession(sessionId: string): void {
    this.forget((p) => p.sessionId === sessionId);
  }

  get size(): number {
    return this.#entries.size;
  }
}
