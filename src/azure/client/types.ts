/** How the client reads a successful body: parsed JSON, UTF-8 text, or the raw bytes. */
export type AcceptKind = 'json' | 'text' | 'binary';

export type QueryValue = string | number | boolean | undefined | null;

/**
 * One request as the hooks see it. Header names are lower case. Hooks may replace the request they pass on
 * (`{ ...request, headers: {...} }`), so state that must survive that lives in `meta`, which is shared.
 */
export interface AzdoRequest {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body?: Buffer;
  accept: AcceptKind;
  /** May be sent again after a 5xx or a dropped connection: GET, HEAD, OPTIONS, PUT, DELETE, or a caller's promise. */
  idempotent: boolean;
  timeoutMs: number;
  meta: RequestMeta;
}

export interface RequestMeta {
  /** Times the request went on the wire, retries included. */
  attempts: number;
  /** Headers of the last attempt as sent (with Authorization), so errors can show them redacted. */
  sentHeaders?: Record<string, string>;
}

export interface RawResponse {
  status: number;
  /** Lower-case names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  body: Buffer;
}

export interface AzdoResponse<T> {
  status: number;
  /** The URL answered, query included (never holds a secret). */
  url: string;
  headers: Record<string, string>;
  data: T;
}

export type Send = (request: AzdoRequest) => Promise<RawResponse>;

/** Wraps every request: do something before, call `next`, look at what came back. */
export type RequestHook = (request: AzdoRequest, next: Send) => Promise<RawResponse>;

/** Sends one request over the wire; throws `TransportError` when no HTTP answer arrived. */
export type Transport = (request: AzdoRequest) => Promise<RawResponse>;
