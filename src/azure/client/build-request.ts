import { AzdoError } from '../../errors/azdo-error.js';
import type { AcceptKind, AzdoRequest, QueryValue } from './types.js';

export const HEADER_INVALID = 'AZDO_HEADER_INVALID';
export const REQUEST_OTHER_HOST = 'AZDO_REQUEST_OTHER_HOST';

export interface RequestOptions {
  query?: Record<string, QueryValue>;
  /** An object or array is sent as JSON; a string or bytes as given (set `content-type` for those). */
  body?: unknown;
  /** Default: the client's (7.1). `false` sends none, for the few routes that take no version. */
  apiVersion?: string | false;
  headers?: Record<string, string>;
  accept?: AcceptKind;
  /** Whether a POST or PATCH may be sent twice (a query such as commitsbatch or WIQL); GET, PUT, DELETE always may. */
  idempotent?: boolean;
  timeoutMs?: number;
}

const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);

// Headers the client owns: a custom header must not silently replace the credential, the sign-in suppression or
// the framing of the request.
const RESERVED = new Set([
  'authorization',
  'accept',
  'accept-encoding',
  'x-tfs-fedauthredirect',
  'content-type',
  'content-length',
  'transfer-encoding',
  'connection',
  'host',
  'user-agent',
]);
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** Checks custom headers once, when the client is made. Messages name the header, never its value. */
export function checkCustomHeaders(headers: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    const lower = name.toLowerCase();
    const invalid = (why: string, hint: string): AzdoError => new AzdoError(HEADER_INVALID, `The custom header "${TOKEN.test(name) ? name : '?'}" ${why}.`, hint);
    if (!TOKEN.test(name)) throw invalid('has a name HTTP does not allow', 'Use letters, digits and dashes in header names, e.g. CF-Access-Client-Id.');
    if (RESERVED.has(lower)) {
      throw invalid('is set by azdo-connect itself', 'Remove it from the custom headers: the credential goes in the connection\'s credential, and Accept, User-Agent and X-TFS-FedAuthRedirect are always sent.');
    }
    if (typeof value !== 'string' || /[\r\n\0]/.test(value)) {
      throw invalid('has a value that is not one line of text', 'Paste the header value again without line breaks.');
    }
    out[lower] = value;
  }
  return out;
}

function isMicrosoftHost(host: string): boolean {
  return host === 'dev.azure.com' || host.endsWith('.dev.azure.com') || host.endsWith('.visualstudio.com');
}

/**
 * Resolves a path against the organization or collection URL. A relative path must stay under it; an absolute URL
 * (from `_links`, or a resource area's `locationUrl`) must be on the same origin, or, for Services, on one of
 * Microsoft's Azure DevOps hosts: anywhere else the credential would be handed to a stranger.
 */
export function resolveUrl(base: URL, path: string, query: Record<string, QueryValue> | undefined): URL {
  let url: URL;
  const foreign = (): AzdoError =>
    new AzdoError(
      REQUEST_OTHER_HOST,
      `A request was about to go to ${url.origin}, outside this connection's URL, and was not sent.`,
      'If the server named that address itself, its public URL is configured wrongly (Azure DevOps Server: Administration Console > Application Tier > Public URL); otherwise connect to that address with a connection of its own.',
    );
  if (/^[a-z][a-z0-9+.-]*:/i.test(path)) {
    url = new URL(path);
    const microsoft = isMicrosoftHost(base.hostname) && isMicrosoftHost(url.hostname) && url.protocol === 'https:';
    if (url.origin !== base.origin && !microsoft) throw foreign();
  } else {
    url = new URL(path.replace(/^\/+/, ''), base);
    if (url.origin !== base.origin || !url.pathname.toLowerCase().startsWith(base.pathname.toLowerCase())) throw foreign();
  }
  url.username = '';
  url.password = '';
  for (const [name, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== null) url.searchParams.set(name, String(value));
  }
  return url;
}

const MEDIA: Record<AcceptKind, string> = { json: 'application/json', text: 'text/plain', binary: 'application/octet-stream' };

/**
 * The api-version travels in Accept (FACTS §10), as Microsoft's own clients send it, which keeps URLs short. JSON
 * stays acceptable for text and bytes so that errors still come back as Azure DevOps' JSON bodies.
 */
export function acceptHeader(accept: AcceptKind, apiVersion: string | undefined): string {
  const version = apiVersion ? `;api-version=${apiVersion}` : '';
  const first = `${MEDIA[accept]}${version}`;
  return accept === 'json' ? first : `${first}, application/json${version};q=0.9`;
}

export interface BuildContext {
  base: URL;
  defaultHeaders: Record<string, string>;
  apiVersion: string;
  timeoutMs: number;
}

export function buildRequest(ctx: BuildContext, method: string, path: string, o: RequestOptions): AzdoRequest {
  const verb = method.toUpperCase();
  const url = resolveUrl(ctx.base, path, o.query);
  const accept = o.accept ?? 'json';
  const inQuery = url.searchParams.has('api-version');
  const apiVersion = o.apiVersion === false || inQuery ? undefined : (o.apiVersion ?? ctx.apiVersion);
  const extra: Record<string, string> = {};
  for (const [name, value] of Object.entries(o.headers ?? {})) extra[name.toLowerCase()] = value;
  let body: Buffer | undefined;
  if (o.body !== undefined) {
    if (typeof o.body === 'string') body = Buffer.from(o.body, 'utf8');
    else if (o.body instanceof Uint8Array) body = Buffer.from(o.body.buffer, o.body.byteOffset, o.body.byteLength);
    else body = Buffer.from(JSON.stringify(o.body), 'utf8');
    extra['content-type'] ??= 'application/json';
  }
  return {
    method: verb,
    url,
    headers: {
      ...ctx.defaultHeaders,
      accept: acceptHeader(accept, apiVersion),
      ...extra,
      // Without it Azure DevOps answers a bad credential with a redirect to its sign-in page (FACTS §3.2).
      'x-tfs-fedauthredirect': 'Suppress',
    },
    ...(body !== undefined ? { body } : {}),
    accept,
    idempotent: o.idempotent ?? IDEMPOTENT.has(verb),
    timeoutMs: o.timeoutMs ?? ctx.timeoutMs,
    meta: { attempts: 0 },
  };
}
