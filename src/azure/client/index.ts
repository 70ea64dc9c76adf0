// The product's one Azure DevOps HTTP client: a small core and its concerns (auth, errors, paging, throttling, retry).
export { AzdoClient, type AzdoClientOptions, type ResponseInfo } from './azdo-client.js';
export { observeAzdoClients, type AzdoClientObserver, type ThrottleDelayInfo } from './client-observers.js';
export { AzdoApiError, AzdoApiErrorCodes, type AzdoApiErrorCode, type AzdoApiErrorFields, type RedactedRequest } from './azdo-api-error.js';
export { patAuth, bearerAuth, authHook, type AzdoAuth } from './auth.js';
export { HEADER_INVALID, REQUEST_OTHER_HOST, acceptHeader, type RequestOptions } from './build-request.js';
export { parseAdoErrorBody, tfCodeOf, type AdoErrorBody } from './ado-error-body.js';
export { decodeResponse, signInTarget } from './decode-response.js';
export { ErrorFactory, type ErrorContext } from './error-factory.js';
export { httpFailure, transportFailure } from './errors.js';
export { paginate, items, unwrapList, type PageGetter, type PaginateOptions } from './paginate.js';
export { REDACTED, redactHeaders, scrub, secretsOf } from './redact.js';
export { backoffMs, isRetriableNetworkError, retryHook, type RetryOptions } from './retry.js';
export { rateLimitDelayMs, retryAfterMs } from './retry-after.js';
export { RateLimitRegistry, sharedRateLimits, throttleHook, type ThrottleOptions } from './throttle.js';
export { TLS_CA_INVALID, TransportError, createNodeTransport, parseCaBundle, type NodeTransport, type TransportFailureKind } from './transport.js';
export type { AcceptKind, AzdoRequest, AzdoResponse, QueryValue, RawResponse, RequestHook, RequestMeta, Send, Transport } from './types.js';
