// Maps Azure DevOps' answers, and the lack of one, to AzdoApiError codes; Azure DevOps' own codes are kept.
import { AzdoApiErrorCodes as C, type AzdoApiError } from './azdo-api-error.js';
import { parseAdoErrorBody, tfCodeOf, type AdoErrorBody } from './ado-error-body.js';
import { ErrorFactory, type ErrorContext } from './error-factory.js';
import { retryAfterMs } from './retry-after.js';
import type { TransportError } from './transport.js';
import type { AzdoRequest, RawResponse } from './types.js';

function unauthorized(f: ErrorFactory, raw: RawResponse, body: AdoErrorBody | undefined): AzdoApiError {
  const message = body?.message ?? '';
  const tfCode = tfCodeOf(message);
  if ((body?.typeKey === 'AccessCheckException' && /expired/i.test(message)) || /token used has expired/i.test(message)) {
    return f.make(C.expired, 'The personal access token has expired.', `Create a new token (or regenerate this one) at ${f.tokensPage()} and update the connection's credential.`, raw, body);
  }
  if (tfCode === 'TF401444') {
    return f.make(
      C.principalNotAdded,
      `The service principal has not been added to this organization (TF401444).`,
      'An organization administrator must add the service principal under Organization settings > Users before it can call the API; then try again.',
      raw,
      body,
    );
  }
  if (tfCode === 'VS30063') {
    return f.make(
      C.unauthorized,
      `The credential's user is not a member of this organization or collection (VS30063).`,
      'Ask an administrator to add the user, or use a credential of a member. A token works only where its user has access.',
      raw,
      body,
    );
  }
  if (tfCode === 'TF400813') {
    return f.make(
      C.unauthorized,
      `Azure DevOps did not authorize the credential for this request (TF400813): ${f.said(message)}`,
      `The token may lack a scope this operation needs (create one with the needed scopes at ${f.tokensPage()}), or, for an OAuth token, the organization's "Third-party application access via OAuth" policy may be off.`,
      raw,
      body,
    );
  }
  return f.make(
    C.unauthorized,
    `Azure DevOps refused the credential (HTTP 401)${message ? `: ${f.said(message)}` : '.'}`,
    `Check that the credential is valid for this organization and has the scopes this operation needs; tokens are managed at ${f.tokensPage()}.`,
    raw,
    body,
  );
}

const NOT_FOUND_HINTS: Record<string, string> = {
  TF401019: 'Check the repository name; Azure DevOps answers the same when the credential may not read the repository, so also check the token\'s Code scope and the user\'s access to the project.',
  VS800075: 'Check the project id; Azure DevOps answers the same when the credential may not see the project.',
  TF200016: 'Check the project name (renamed projects keep their id, not their name); Azure DevOps answers the same when the credential may not see the project.',
  TF401180: 'Check the pull request id and the repository it belongs to.',
};

/** The error for an HTTP status that is not a success: Azure DevOps' body decides the code. */
export function httpFailure(f: ErrorFactory, raw: RawResponse, request: AzdoRequest): AzdoApiError {
  const body = parseAdoErrorBody(raw);
  const message = body?.message;
  const tfCode = tfCodeOf(message);
  const status = raw.status;
  const attempts = request.meta.attempts;
  if (status === 401) return unauthorized(f, raw, body);
  if (status === 403) {
    return f.make(C.forbidden, `Azure DevOps denied permission for this operation${message ? `: ${f.said(message)}` : ' (HTTP 403).'}`, 'Ask a project or organization administrator for the permission the message names, or use a credential that has it.', raw, body);
  }
  if (status === 404) {
    const hint =
      (tfCode && NOT_FOUND_HINTS[tfCode]) ??
      (body?.typeKey === 'HostDoesNotExistException'
        ? 'Check the organization or collection name in the connection URL.'
        : 'Check the names in the URL; on Azure DevOps Server, also check that the server\'s version offers this API.');
    return f.make(C.notFound, message ? f.said(message) : `Azure DevOps found nothing at ${request.url.pathname} (HTTP 404).`, hint, raw, body);
  }
  if (status === 429) {
    const wait = retryAfterMs(raw.headers);
    return f.make(
      C.throttled,
      `Azure DevOps is rate-limiting this identity and refused the request ${attempts} time${attempts === 1 ? '' : 's'}${wait !== undefined ? `; it asks to wait ${Math.ceil(wait / 1000)} s` : ''}${message ? ` (${f.said(message)})` : '.'}`,
      'Wait a few minutes before trying again, spread the work out, or give background jobs their own identity: Azure DevOps limits each identity to 200 TSTUs per 5 minutes.',
      raw,
      body,
    );
  }
  if (status >= 500) {
    return f.make(
      C.serverError,
      `Azure DevOps failed with HTTP ${status} after ${attempts} attempt${attempts === 1 ? '' : 's'}${message ? `: ${f.said(message)}` : '.'}`,
      'The fault is on the server\'s side: try again later, and check https://status.dev.azure.com (Services) or the server\'s event log (Server). Quote the activity id to support.',
      raw,
      body,
    );
  }
  if (body?.typeKey === 'VssVersionOutOfRangeException' || body?.typeKey === 'VssInvalidPreviewVersionException') {
    const version = /api-version=([^;,\s]+)/.exec(request.headers['accept'] ?? '')?.[1] ?? request.url.searchParams.get('api-version') ?? 'requested';
    return f.make(
      C.apiVersionUnsupported,
      `The server does not offer REST API version ${version} for this operation: it is older than this operation needs. ${f.said(message)}`,
      'Upgrade Azure DevOps Server (2022.1 and later speak 7.1), or use an operation the server\'s version supports.',
      raw,
      body,
    );
  }
  return f.make(
    C.rejected,
    `Azure DevOps rejected the request (HTTP ${status})${message ? `: ${f.said(message)}` : '.'}`,
    'Azure DevOps\' message says what it could not accept; correct that input and try again.',
    raw,
    body,
  );
}

const NETWORK_MESSAGES: Record<string, (host: string) => string> = {
  ENOTFOUND: (host) => `The host name ${host} could not be resolved (DNS lookup failed).`,
  EAI_AGAIN: (host) => `The host name ${host} could not be resolved right now (DNS lookup timed out).`,
  ECONNREFUSED: (host) => `Nothing accepted the connection at ${host} (connection refused).`,
  ECONNRESET: (host) => `The connection to ${host} was reset before an answer arrived.`,
  EPIPE: (host) => `The connection to ${host} was closed while the request was being sent.`,
  ETIMEDOUT: (host) => `The connection to ${host} timed out at the network level.`,
  EHOSTUNREACH: (host) => `${host} cannot be reached from this machine (no route to host).`,
  ENETUNREACH: (host) => `The network of ${host} cannot be reached from this machine.`,
};

/** The error for a request that got no HTTP answer at all. */
export function transportFailure(error: TransportError, request: AzdoRequest, context: ErrorContext): AzdoApiError {
  const f = new ErrorFactory(request, context);
  const host = request.url.host;
  const extra = { networkCode: error.code };
  if (error.kind === 'timeout') {
    const seconds = request.timeoutMs / 1000;
    return f.make(C.timeout, `${host} did not answer within ${seconds} s.`, 'Check the network and that the server is up; raise the connection\'s timeout if this server is known to be slow.', undefined, undefined, extra);
  }
  if (error.kind === 'tls') {
    if (error.code === 'CERT_HAS_EXPIRED' || error.code === 'CERT_NOT_YET_VALID') {
      return f.make(C.tlsUntrusted, `The TLS certificate of ${host} is not valid at this date (${error.code}).`, 'The server\'s administrator must renew its certificate; check this machine\'s clock too.', undefined, undefined, extra);
    }
    if (error.code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
      return f.make(C.tlsUntrusted, `The TLS certificate of ${host} is made out to another host name.`, 'Use the host name the certificate names in the connection URL, or have the certificate reissued for this name.', undefined, undefined, extra);
    }
    return f.make(
      C.tlsUntrusted,
      `The TLS certificate of ${host} is not trusted: it is self-signed or signed by a certificate authority this machine does not know (${error.code}).`,
      'Add the certificate authority that signed the server\'s certificate to the connection\'s TLS settings, as a PEM CA bundle (the administrator of the server can export it). TLS verification is never turned off.',
      undefined,
      undefined,
      extra,
    );
  }
  const describe = NETWORK_MESSAGES[error.code] ?? ((h: string) => `The connection to ${h} failed (${error.code}).`);
  return f.make(C.network, describe(host), 'Check the URL\'s host and port, the network, and any proxy or firewall between this machine and the server.', undefined, undefined, extra);
}
