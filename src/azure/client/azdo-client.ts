import { AzdoError } from '../../errors/azdo-error.js';
import { organizationUrl, parseAzureUrl, URL_INVALID, type Deployment } from '../urls.js';
import { authHook, type AzdoAuth } from './auth.js';
import { notifyResponse } from './client-observers.js';
import { buildRequest, checkCustomHeaders, type RequestOptions } from './build-request.js';
import { decodeResponse } from './decode-response.js';
import type { ErrorContext } from './error-factory.js';
import { transportFailure } from './errors.js';
import { items, paginate, type PaginateOptions } from './paginate.js';
import { retryHook } from './retry.js';
import { sharedRateLimits, throttleHook, type RateLimitRegistry } from './throttle.js';
import { createNodeTransport, TransportError } from './transport.js';
import type { AzdoRequest, AzdoResponse, RawResponse, RequestHook, Send, Transport } from './types.js';

export interface ResponseInfo {
  method: string;
  url: string;
  /** 0 when no answer arrived. */
  status: number;
  durationMs: number;
  /** 1 for the first try, 2 for the first retry, ... */
  attempt: number;
}

export interface AzdoClientOptions {
  /** Organization (`https://dev.azure.com/{org}`) or collection (`https://host[/vdir]/{collection}`) URL. */
  baseUrl: string | Deployment;
  auth?: AzdoAuth;
  /** Sent with every request, e.g. a proxy's service token. Values may be secret: errors show them redacted. */
  headers?: Record<string, string>;
  /** PEM CA bundle trusted in addition to the system's, for a Server with a private certificate authority. */
  ca?: string;
  /** Per attempt. Default 30 s. */
  timeoutMs?: number;
  /** Retries after 5xx, dropped connections and 429. Default 3. */
  retries?: number;
  /** Default '7.1'. */
  apiVersion?: string;
  /** Injectable so tests can turn "wait 1 s" into nothing and record the waits. */
  sleep?: (ms: number) => Promise<void>;
  /** Prepended to azdo-connect's own user agent. */
  userAgent?: string;
  /** Replaces the HTTP(S) transport; `ca` is then the transport's business. */
  transport?: Transport;
  /** Rate-limit state per identity; by default shared by all clients of the process. */
  rateLimits?: RateLimitRegistry;
  /** Requests one identity may have in flight at once. Default 8. */
  concurrency?: number;
  /** The longest wait honoured when the server asks for one (Retry-After); longer ones fail at once. Default 60 s. */
  maxWaitMs?: number;
  /** Called after every attempt, e.g. for logs and metrics. Never given headers or bodies. */
  onResponse?(info: ResponseInfo): void;
}

const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function baseUrlOf(input: string | Deployment): URL {
  if (typeof input === 'string' && !/^https?:\/\//i.test(input.trim())) {
    throw new AzdoError(URL_INVALID, 'The connection URL must start with https:// (or http:// for a Server without TLS).', 'Use the organization or collection URL, e.g. https://dev.azure.com/{organization} or https://{server}/tfs/{collection}.');
  }
  const deployment = typeof input === 'string' ? parseAzureUrl(input).deployment : input;
  return new URL(`${organizationUrl(deployment)}/`);
}

/**
 * Counts attempts, keeps the headers as sent for redacted errors, and reports timings (to the client's onResponse and
 * to the process-wide observers of client-observers.ts). Innermost, beside the wire.
 */
function observeHook(onResponse: AzdoClientOptions['onResponse']): RequestHook {
  return async (request, next) => {
    request.meta.attempts += 1;
    request.meta.sentHeaders = request.headers;
    const started = performance.now();
    const report = (status: number): void => {
      const info = { method: request.method, url: request.url.toString(), status, durationMs: performance.now() - started, attempt: request.meta.attempts };
      try {
        onResponse?.(info);
      } catch {
        // A failing logger must not fail the request.
      }
      notifyResponse(info);
    };
    try {
      const response = await next(request);
      report(response.status);
      return response;
    } catch (error) {
      report(0);
      throw error;
    }
  };
}

function compose(hooks: readonly RequestHook[], transport: Transport): Send {
  return hooks.reduceRight<Send>((next, hook) => (request) => hook(request, next), transport);
}

/**
 * The one Azure DevOps HTTP client. The core only builds requests and reads answers; authentication, retries,
 * throttling and paging are concerns in their own files, each a hook around every request:
 * your hooks → auth → retry (5xx, dropped connections) → throttle (per identity, 429) → observe → transport.
 */
export class AzdoClient {
  /** The organization or collection URL, without a trailing slash. */
  readonly baseUrl: string;
  private readonly base: URL;
  private readonly context: ErrorContext;
  private readonly userHooks: RequestHook[] = [];
  private readonly concerns: RequestHook[];
  private readonly transport: Transport;
  private readonly ownTransport?: { close(): void };
  private readonly defaultHeaders: Record<string, string>;

  constructor(private readonly options: AzdoClientOptions) {
    this.base = baseUrlOf(options.baseUrl);
    this.baseUrl = this.base.toString().replace(/\/$/, '');
    this.context = { baseUrl: this.baseUrl };
    const ownAgent = `azdo-connect node/${process.versions.node}`;
    this.defaultHeaders = {
      'user-agent': options.userAgent ? `${options.userAgent} ${ownAgent}` : ownAgent,
      'accept-encoding': 'gzip, deflate',
      ...checkCustomHeaders(options.headers),
    };
    if (options.transport) {
      this.transport = options.transport;
    } else {
      const transport = createNodeTransport(options.ca !== undefined ? { ca: options.ca } : {});
      this.transport = transport;
      this.ownTransport = transport;
    }
    const sleep = options.sleep ?? realSleep;
    const retries = options.retries ?? 3;
    const maxWaitMs = options.maxWaitMs ?? 60_000;
    this.concerns = [
      authHook(options.auth),
      retryHook({ retries, sleep, maxWaitMs }),
      throttleHook({
        identity: options.auth?.identity ?? `anonymous:${this.base.origin}`,
        registry: options.rateLimits ?? sharedRateLimits,
        sleep,
        retries,
        maxWaitMs,
        concurrency: options.concurrency ?? 8,
      }),
      observeHook(options.onResponse),
    ];
  }

  /** Wraps every request, outside all concerns (so it sees the request without its Authorization header). */
  hook(hook: RequestHook): this {
    this.userHooks.push(hook);
    return this;
  }

  async request<T>(method: string, path: string, o: RequestOptions = {}): Promise<AzdoResponse<T>> {
    const request: AzdoRequest = buildRequest(
      { base: this.base, defaultHeaders: this.defaultHeaders, apiVersion: this.options.apiVersion ?? '7.1', timeoutMs: this.options.timeoutMs ?? 30_000 },
      method,
      path,
      o,
    );
    let raw: RawResponse;
    try {
      raw = await compose([...this.userHooks, ...this.concerns], this.transport)(request);
    } catch (error) {
      if (error instanceof TransportError) throw transportFailure(error, request, this.context);
      throw error;
    }
    return decodeResponse<T>(raw, request, this.context);
  }

  get<T>(path: string, o?: Omit<RequestOptions, 'body'>): Promise<AzdoResponse<T>> {
    return this.request<T>('GET', path, o);
  }

  post<T>(path: string, body?: unknown, o: Omit<RequestOptions, 'body'> = {}): Promise<AzdoResponse<T>> {
    return this.request<T>('POST', path, { ...o, body });
  }

  patch<T>(path: string, body?: unknown, o: Omit<RequestOptions, 'body'> = {}): Promise<AzdoResponse<T>> {
    return this.request<T>('PATCH', path, { ...o, body });
  }

  put<T>(path: string, body?: unknown, o: Omit<RequestOptions, 'body'> = {}): Promise<AzdoResponse<T>> {
    return this.request<T>('PUT', path, { ...o, body });
  }

  delete<T>(path: string, o?: Omit<RequestOptions, 'body'>): Promise<AzdoResponse<T>> {
    return this.request<T>('DELETE', path, o);
  }

  /** Pages of a listing, `{count, value}` unwrapped: `for await (const page of client.paginate('_apis/projects'))`. */
  paginate<T>(path: string, o?: PaginateOptions): AsyncGenerator<T[], void, undefined> {
    return paginate<T>((p, q) => this.get(p, q), path, o);
  }

  /** The items of every page, one by one. */
  items<T>(path: string, o?: PaginateOptions): AsyncGenerator<T, void, undefined> {
    return items<T>((p, q) => this.get(p, q), path, o);
  }

  /** Closes kept-alive connections of the client's own transport. */
  close(): void {
    this.ownTransport?.close();
  }
}
