import { notifyThrottleDelay } from './client-observers.js';
import { backoffMs } from './retry.js';
import { rateLimitDelayMs, retryAfterMs } from './retry-after.js';
import type { RequestHook } from './types.js';

interface IdentityState {
  /** Epoch milliseconds before which this identity should not send. */
  notBefore: number;
  active: number;
  waiting: Array<() => void>;
}

/**
 * What Azure DevOps said about each identity's rate limit. Shared by every client of the process by default, since
 * Azure DevOps counts per identity, not per connection object: two clients with one token share one budget.
 */
export class RateLimitRegistry {
  private readonly identities = new Map<string, IdentityState>();

  state(identity: string): IdentityState {
    let state = this.identities.get(identity);
    if (!state) {
      state = { notBefore: 0, active: 0, waiting: [] };
      this.identities.set(identity, state);
    }
    return state;
  }

  /** Epoch milliseconds before which the identity is asked to wait; 0 when it is not. */
  notBefore(identity: string): number {
    return this.identities.get(identity)?.notBefore ?? 0;
  }
}

export const sharedRateLimits = new RateLimitRegistry();

export interface ThrottleOptions {
  identity: string;
  registry: RateLimitRegistry;
  sleep: (ms: number) => Promise<void>;
  /** Retries of a request answered 429. */
  retries: number;
  /** The longest wait the client accepts; a longer Retry-After on a 429 is reported instead of waited for. */
  maxWaitMs: number;
  /** Requests one identity may have in flight at once. */
  concurrency: number;
  now?: () => number;
  random?: () => number;
}

async function acquire(state: IdentityState, limit: number): Promise<void> {
  while (state.active >= limit) await new Promise<void>((resolve) => state.waiting.push(resolve));
  state.active += 1;
}

function release(state: IdentityState): void {
  state.active -= 1;
  state.waiting.shift()?.();
}

/**
 * Reacts to what Azure DevOps says about the caller's budget (FACTS §4). `Retry-After` on a success or a 429, or else
 * `X-RateLimit-Delay`, delays the identity's next requests by that much: a 200 can carry them, which is how Azure
 * DevOps asks a client to slow down. A 429 (TF400733) is retried once the wait is over, whatever the method, since a
 * blocked request was not carried out.
 */
export function throttleHook(o: ThrottleOptions): RequestHook {
  const now = o.now ?? Date.now;
  return async (request, next) => {
    const state = o.registry.state(o.identity);
    for (let attempt = 0; ; attempt += 1) {
      const wait = state.notBefore - now();
      if (wait > 0) {
        notifyThrottleDelay({ ms: wait, identity: o.identity });
        await o.sleep(wait);
      }
      await acquire(state, o.concurrency);
      let response;
      try {
        response = await next(request);
      } finally {
        release(state);
      }
      const blocked = response.status === 429;
      // Retry-After on a 5xx speaks of the server, not of this identity's budget: the retry concern honours that one.
      const rateSignal = blocked || response.status < 300;
      const asked = (rateSignal ? retryAfterMs(response.headers) : undefined) ?? rateLimitDelayMs(response.headers);
      const delay = asked ?? (blocked ? backoffMs(attempt, o.random) : undefined);
      if (delay !== undefined && delay > 0) state.notBefore = Math.max(state.notBefore, now() + Math.min(delay, o.maxWaitMs));
      if (!blocked || attempt >= o.retries || (delay ?? 0) > o.maxWaitMs) return response;
    }
  };
}
