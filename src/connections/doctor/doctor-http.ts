import { AsyncLocalStorage } from 'node:async_hooks';
import {
  AzdoClient,
  bearerAuth,
  createNodeTransport,
  patAuth,
  type AzdoAuth,
  type NodeTransport,
  type RequestOptions,
} from '../../azure/client/index.js';
import { AzdoError } from '../../errors/azdo-error.js';

/** What came back on the wire, kept even when the client turned it into an error: the proxy check reads its headers. */
export interface RawSeen {
  status: number;
  headers: Record<string, string>;
}

export type Probe<T> =
  | { ok: true; status: number; headers: Record<string, string>; data: T; ms: number }
  | { ok: false; error: AzdoError; raw?: RawSeen; ms: number };

export interface DoctorHttpOptions {
  baseUrl: string;
  headers: Record<string, string>;
  ca?: string;
  timeoutMs: number;
  /** Absent for an SSH connection: only anonymous probes then. */
  auth?: AzdoAuth;
}

function asAzdoError(error: unknown): AzdoError {
  if (error instanceof AzdoError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new AzdoError('AZDO_BAD_RESPONSE', `The request failed unexpectedly: ${message}`, 'Run the test again; if it keeps failing, report it with this message.');
}

/**
 * The doctor's view of the one HTTP client: an anonymous and an authenticated client sharing one transport (so one
 * TLS handshake), a count of requests on the wire, and each answer's status and headers even when it failed.
 */
export class DoctorHttp {
  readonly anonymous: AzdoClient;
  readonly authenticated: AzdoClient | undefined;
  private readonly transport: NodeTransport;
  private readonly seen = new AsyncLocalStorage<{ raw?: RawSeen }>();
  private sent = 0;

  /** Throws AzdoError (AZDO_HEADER_INVALID, AZDO_TLS_CA_INVALID) for settings no request could be sent with. */
  constructor(o: DoctorHttpOptions) {
    this.transport = createNodeTransport(o.ca !== undefined ? { ca: o.ca } : {});
    const common = {
      baseUrl: o.baseUrl,
      headers: o.headers,
      transport: this.transport,
      timeoutMs: o.timeoutMs,
      // A doctor reports what it sees now; retrying with back-off would only make the answer slower.
      retries: 0,
      maxWaitMs: 5_000,
      onResponse: () => {
        this.sent += 1;
      },
    };
    const record = (client: AzdoClient): AzdoClient =>
      client.hook(async (request, next) => {
        const raw = await next(request);
        const slot = this.seen.getStore();
        if (slot) slot.raw = { status: raw.status, headers: raw.headers };
        return raw;
      });
    try {
      this.anonymous = record(new AzdoClient(common));
      this.authenticated = o.auth ? record(new AzdoClient({ ...common, auth: o.auth })) : undefined;
    } catch (error) {
      this.transport.close();
      throw error;
    }
  }

  /** HTTP requests sent so far, by both clients. */
  get requests(): number {
    return this.sent;
  }

  /** Counts a request made outside the client (the Entra token request). */
  countExternal(): void {
    this.sent += 1;
  }

  async probe<T>(client: AzdoClient, method: string, path: string, o: RequestOptions = {}): Promise<Probe<T>> {
    const slot: { raw?: RawSeen } = {};
    const started = performance.now();
    return this.seen.run(slot, async () => {
      try {
        const response = await client.request<T>(method, path, o);
        return { ok: true as const, status: response.status, headers: response.headers, data: response.data, ms: performance.now() - started };
      } catch (error) {
        return { ok: false as const, error: asAzdoError(error), ...(slot.raw ? { raw: slot.raw } : {}), ms: performance.now() - started };
      }
    });
  }

  close(): void {
    this.transport.close();
  }
}

export { bearerAuth, patAuth };

/** Azure DevOps (and only it) marks every answer with these; a page without them came from something in between. */
export function isAzureDevOpsAnswer(headers: Record<string, string>): boolean {
  return Object.keys(headers).some((name) => name === 'activityid' || name.startsWith('x-tfs-') || name.startsWith('x-vss-'));
}
