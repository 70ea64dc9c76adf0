import { AzdoApiErrorCodes as C, type AzdoApiError } from './azdo-api-error.js';
import { ErrorFactory, type ErrorContext } from './error-factory.js';
import { httpFailure } from './errors.js';
import type { AzdoRequest, AzdoResponse, RawResponse } from './types.js';

function isJson(contentType: string | undefined): boolean {
  return /^application\/([\w.+-]*\+)?json\b/i.test(contentType ?? '');
}

function isHtml(contentType: string | undefined): boolean {
  return /^(text\/html|application\/xhtml\+xml)\b/i.test(contentType ?? '');
}

/** A proxy's login page names the proxy; Azure DevOps' own page names nobody. */
function proxyOf(page: RawResponse): string | undefined {
  return /cloudflare access/i.test(page.body.subarray(0, 65536).toString('utf8')) ? 'Cloudflare Access' : undefined;
}

/** Says whether a redirect goes to a sign-in page, and whose: Azure DevOps' or a proxy's such as Cloudflare Access. */
export function signInTarget(location: string, from: URL): { proxy?: string } | undefined {
  let target: URL;
  try {
    target = new URL(location, from);
  } catch {
    return undefined;
  }
  const host = target.hostname.toLowerCase();
  const path = target.pathname.toLowerCase();
  if (host.endsWith('.cloudflareaccess.com') || path.includes('/cdn-cgi/access/login')) return { proxy: 'Cloudflare Access' };
  if (['login.microsoftonline.com', 'login.live.com', 'login.windows.net'].includes(host)) return {};
  if (/(^|\/)_?sign-?in\b|\/login\b|\/oauth2\/(v2\.0\/)?authorize\b|\/_signedin\b/.test(path)) return {};
  return undefined;
}

/**
 * Turns a raw answer into data or an `AzdoApiError`. A sign-in page, whether as 203, as HTML with a 2xx, or as a
 * redirect to a login URL, is an authentication failure: Azure DevOps answers a bad credential that way (FACTS §3.2).
 */
export function decodeResponse<T>(raw: RawResponse, request: AzdoRequest, context: ErrorContext): AzdoResponse<T> {
  const f = new ErrorFactory(request, context);
  const contentType = raw.headers['content-type'];
  if (raw.status >= 300 && raw.status < 400) {
    const location = raw.headers['location'] ?? '';
    const target = signInTarget(location, request.url);
    if (target) return throwing(f.signInPage(raw, target.proxy));
    let where = 'another address';
    try {
      const to = new URL(location, request.url);
      where = `${to.origin}${to.pathname}`;
    } catch {
      // An unreadable Location says nothing more.
    }
    return throwing(
      f.make(
        C.badResponse,
        `Azure DevOps answered with a redirect (HTTP ${raw.status}) to ${where} instead of data.`,
        'Use the organization or collection URL exactly as Azure DevOps shows it (scheme, host and virtual directory); the client does not follow redirects, so credentials never travel to another address.',
        raw,
      ),
    );
  }
  if (raw.status === 203) return throwing(f.signInPage(raw, proxyOf(raw)));
  if (raw.status < 200 || raw.status >= 300) return throwing(httpFailure(f, raw, request));
  if (isHtml(contentType) && request.accept !== 'binary') return throwing(f.signInPage(raw, proxyOf(raw)));
  const base = { status: raw.status, url: request.url.toString(), headers: raw.headers };
  if (request.accept === 'binary') return { ...base, data: raw.body as T };
  if (request.accept === 'text') return { ...base, data: raw.body.toString('utf8') as T };
  if (raw.body.length === 0) return { ...base, data: undefined as T };
  const notJson = (): never =>
    throwing(
      f.make(
        C.badResponse,
        `Azure DevOps answered with something that is not JSON (${contentType ?? 'no content type'}).`,
        'A proxy or a wrong URL may be answering instead of Azure DevOps: check that the connection URL is the organization or collection URL.',
        raw,
      ),
    );
  if (contentType !== undefined && !isJson(contentType)) return notJson();
  try {
    return { ...base, data: JSON.parse(raw.body.toString('utf8')) as T };
  } catch {
    return notJson();
  }
}

function throwing(error: AzdoApiError): never {
  throw error;
}
