import { TransportError } from './transport.js';
import { retryAfterMs } from './retry-after.js';
import type { RequestHook } from './types.js';

/** Statuses worth sending again: the server or a gateway failed, and may not next time. */
const RETRY_STATUSES = new Set([500, 502, 503, 504]);

/**
 * Failures of the connection that say nothing about the request, so sending it again may work. Not here: a refused
 * connection or an unknown host name (wrong URL: retrying only delays the answer), certificate problems, and
 * timeouts, whose budget the user already chose.
 */
const RETRY_NETWORK_CODES = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ECONNABORTED', 'EAI_AGAIN', 'ENETRESET', 'EHOSTDOWN']);

/** Exponential back-off with jitter: about 1 s, 2 s, 4 s, ... up to 30 s, each between half and all of that. */
export function backoffMs(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(30_000, 1000 * 2 ** attempt);
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

export function isRetriableNetworkError(error: unknown): error is TransportError {
  return error instanceof TransportError && error.kind === 'network' && RETRY_NETWORK_CODES.has(error.code);
}

export interface RetryOptions {
  /** Retries after the first attempt. */
  retries: number;
  sleep: (ms: number) => Promise<void>;
  /** The longest Retry-After worth waiting for; a longer one is reported instead. */
  maxWaitMs: number;
  random?: () => number;
}

/**
 * Sends a request again after a 5xx or a dropped connection, honouring Retry-After. Only idempotent requests are
 * retried: a POST that failed with 502 may have been carried out, and doing it twice could create two of something.
 */
export function retryHook(o: RetryOptions): RequestHook {
  return async (request, next) => {
    for (let attempt = 0; ; attempt += 1) {
      const canRetry = request.idempotent && attempt < o.retries;
      let response;
      try {
        response = await next(request);
      } catch (error) {
        if (!canRetry || !isRetriableNetworkError(error)) throw error;
        await o.sleep(backoffMs(attempt, o.random));
        continue;
      }
      if (!canRetry || !RETRY_STATUSES.has(response.status)) return response;
      const asked = retryAfterMs(response.headers);
      if (asked !== undefined && asked > o.maxWaitMs) return response;
      await o.sleep(asked ?? backoffMs(attempt, o.random));
    }
  };
}
