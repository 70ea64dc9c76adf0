/**
 * Reads `Retry-After` (seconds, or an HTTP date as RFC 9110 allows) and `X-RateLimit-Delay` (seconds with up to three
 * decimals, FACTS §4) into milliseconds; undefined when absent or unreadable.
 */
export function retryAfterMs(headers: Record<string, string>, now = Date.now()): number | undefined {
  const value = headers['retry-after']?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.round(Number(value) * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

export function rateLimitDelayMs(headers: Record<string, string>): number | undefined {
  const value = headers['x-ratelimit-delay']?.trim();
  if (!value || !/^\d+(\.\d+)?$/.test(value)) return undefined;
  return Math.round(Number(value) * 1000);
}
