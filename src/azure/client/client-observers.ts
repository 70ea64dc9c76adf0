// Process-wide observers of every AzdoClient: how a service counts Azure DevOps calls and throttling delays without
// the client knowing about it, and without threading a callback through every place that makes a client.
import type { ResponseInfo } from './azdo-client.js';

export interface ThrottleDelayInfo {
  /** How long the identity is held back before its next request, as Azure DevOps asked (Retry-After, X-RateLimit-Delay, a 429). */
  ms: number;
  /** The rate-limited identity: a hash-like id of the credential, never the credential itself. */
  identity: string;
}

export interface AzdoClientObserver {
  /** After every attempt (status 0: no answer). Never given headers or bodies. */
  onResponse?(info: ResponseInfo): void;
  /** Before the client waits because Azure DevOps asked it to slow down. */
  onThrottleDelay?(info: ThrottleDelayInfo): void;
}

const observers = new Set<AzdoClientObserver>();

/** Observes every client of the process until the returned function is called. */
export function observeAzdoClients(observer: AzdoClientObserver): () => void {
  // A copy, so observing the same object twice counts twice and unsubscribing removes only this registration.
  const entry = { ...observer };
  observers.add(entry);
  return () => {
    observers.delete(entry);
  };
}

function each(call: (o: AzdoClientObserver) => void): void {
  for (const o of observers) {
    try {
      call(o);
    } catch {
      // A failing observer (a metrics bug) must not fail the request.
    }
  }
}

export function notifyResponse(info: ResponseInfo): void {
  if (observers.size > 0) each((o) => o.onResponse?.(info));
}

export function notifyThrottleDelay(info: ThrottleDelayInfo): void {
  if (observers.size > 0) each((o) => o.onThrottleDelay?.(info));
}
