import { randomUUID } from 'node:crypto';

/** A fault injected through the control API: it matches requests by method and path and then misbehaves. */
export interface FaultRule {
  id: string;
  /** HTTP method to match; any when absent. */
  method?: string;
  /** Regular expression tested against the request path (without the query string). */
  path: string;
  latencyMs?: number;
  /** Answer with this status (5xx, or 429 and friends) instead of running the route. */
  status?: number;
  /** Destroy the connection without answering. */
  reset?: boolean;
  /** How many more requests this rule applies to; unlimited when absent. */
  times?: number;
}

export type FaultInput = Omit<FaultRule, 'id'>;

export class FaultInjector {
  private rules: Array<FaultRule & { regex: RegExp }> = [];

  add(input: FaultInput): FaultRule {
    const rule = { ...input, id: randomUUID(), regex: new RegExp(input.path, 'i') };
    this.rules.push(rule);
    return this.describe(rule);
  }

  list(): FaultRule[] {
    return this.rules.map((r) => this.describe(r));
  }

  remove(id: string): boolean {
    const before = this.rules.length;
    this.rules = this.rules.filter((r) => r.id !== id);
    return this.rules.length !== before;
  }

  clear(): void {
    this.rules = [];
  }

  /** Finds the rule for a request and uses up one of its applications. */
  take(method: string, path: string): FaultRule | undefined {
    if (this.rules.length === 0) return undefined;
    const rule = this.rules.find(
      (r) => (!r.method || r.method.toUpperCase() === method) && r.regex.test(path) && (r.times === undefined || r.times > 0),
    );
    if (!rule) return undefined;
    if (rule.times !== undefined) rule.times -= 1;
    return this.describe(rule);
  }

  private describe(rule: FaultRule & { regex: RegExp }): FaultRule {
    const { regex: _regex, ...rest } = rule;
    return rest;
  }
}
