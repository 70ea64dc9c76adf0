/**
 * Azure DevOps' global rate limit (FACTS §4): each identity has a budget of TSTUs over a sliding five-minute window.
 * Past the limit, requests are delayed (X-RateLimit-Delay and Retry-After on a 200); past the block level they get
 * 429 TF400733. The rest of the X-RateLimit-* set is sent before any delay, as the docs say.
 */
export interface ThrottleSettings {
  enabled: boolean;
  /** TSTUs an identity may use per window before it is delayed (Azure DevOps: 200). */
  limit: number;
  /** Usage at which requests are blocked with 429. */
  blockAt: number;
  /** TSTUs each request costs. */
  costPerRequest: number;
  windowSeconds: number;
  /** Delay announced in X-RateLimit-Delay once over the limit. */
  delaySeconds: number;
  /** Whether the simulator really waits for the delay it announces (off keeps tests fast). */
  sleep: boolean;
  resource: string;
}

export const DEFAULT_THROTTLE: ThrottleSettings = {
  enabled: false,
  limit: 200,
  blockAt: 400,
  costPerRequest: 1,
  windowSeconds: 300,
  delaySeconds: 1,
  sleep: false,
  resource: 'Core',
};

export interface ThrottleDecision {
  headers: Record<string, string>;
  delayMs: number;
  blocked?: { retryAfter: number; resource: string };
}

export class Throttle {
  settings: ThrottleSettings = { ...DEFAULT_THROTTLE };
  private readonly usage = new Map<string, Array<{ at: number; cost: number }>>();

  configure(patch: Partial<ThrottleSettings>): ThrottleSettings {
    this.settings = { ...this.settings, ...patch };
    if (!this.settings.enabled) this.usage.clear();
    return this.settings;
  }

  reset(): void {
    this.usage.clear();
  }

  charge(identityId: string, now = Date.now()): ThrottleDecision {
    const s = this.settings;
    if (!s.enabled) return { headers: {}, delayMs: 0 };
    const windowMs = s.windowSeconds * 1000;
    const events = (this.usage.get(identityId) ?? []).filter((e) => now - e.at < windowMs);
    const used = events.reduce((sum, e) => sum + e.cost, 0);
    const reset = Math.ceil((now + windowMs) / 1000);
    const headers: Record<string, string> = {
      'x-ratelimit-resource': s.resource,
      'x-ratelimit-limit': String(s.limit),
      'x-ratelimit-reset': String(reset),
    };
    if (used >= s.blockAt) {
      this.usage.set(identityId, events);
      const retryAfter = Math.max(1, Math.ceil((events[0]!.at + windowMs - now) / 1000));
      return {
        headers: { ...headers, 'x-ratelimit-remaining': '0', 'retry-after': String(retryAfter) },
        delayMs: 0,
        blocked: { retryAfter, resource: s.resource },
      };
    }
    events.push({ at: now, cost: s.costPerRequest });
    this.usage.set(identityId, events);
    const after = used + s.costPerRequest;
    if (after > s.limit) {
      return {
        headers: {
          ...headers,
          'x-ratelimit-remaining': '0',
          'x-ratelimit-delay': s.delaySeconds.toFixed(3),
          'retry-after': String(Math.max(1, Math.ceil(s.delaySeconds))),
        },
        delayMs: s.sleep ? s.delaySeconds * 1000 : 0,
      };
    }
    return { headers: { ...headers, 'x-ratelimit-remaining': String(Math.max(0, s.limit - after)) }, delayMs: 0 };
  }
}
