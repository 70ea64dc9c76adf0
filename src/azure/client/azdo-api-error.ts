import { AzdoError } from '../../errors/azdo-error.js';

/** Codes of failures talking to Azure DevOps; each is described in docs/errors.md. */
export const AzdoApiErrorCodes = {
  signInPage: 'AZDO_AUTH_SIGN_IN_PAGE',
  expired: 'AZDO_AUTH_EXPIRED',
  unauthorized: 'AZDO_AUTH_UNAUTHORIZED',
  principalNotAdded: 'AZDO_AUTH_PRINCIPAL_NOT_ADDED',
  forbidden: 'AZDO_FORBIDDEN',
  notFound: 'AZDO_NOT_FOUND',
  throttled: 'AZDO_THROTTLED',
  serverError: 'AZDO_SERVER_ERROR',
  network: 'AZDO_NETWORK',
  timeout: 'AZDO_TIMEOUT',
  tlsUntrusted: 'AZDO_TLS_UNTRUSTED',
  badResponse: 'AZDO_BAD_RESPONSE',
  apiVersionUnsupported: 'AZDO_API_VERSION_UNSUPPORTED',
  rejected: 'AZDO_REQUEST_REJECTED',
} as const;

export type AzdoApiErrorCode = (typeof AzdoApiErrorCodes)[keyof typeof AzdoApiErrorCodes];

/** The request as it may be shown: Authorization and every custom header value are `[REDACTED]`. */
export interface RedactedRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
}

export interface AzdoApiErrorFields {
  /** HTTP status; 0 when no answer arrived (network, timeout, TLS). */
  status: number;
  /** Azure DevOps' own code from the message, e.g. TF401019, VS800075. */
  tfCode?: string;
  /** Azure DevOps' exception type, e.g. GitRepositoryNotFoundException. */
  typeKey?: string;
  request: RedactedRequest;
  /** The server's activity id (ActivityId / X-VSS-E2EID), which Microsoft support asks for. */
  activityId?: string;
  /** What the server asked to wait, in seconds, on 429 and 503. */
  retryAfterSeconds?: number;
  /** Requests sent, retries included. */
  attempts?: number;
  /** Node's error code (ECONNRESET, ENOTFOUND, SELF_SIGNED_CERT_IN_CHAIN, ...) when no answer arrived. */
  networkCode?: string;
}

/** Every failure of a request to Azure DevOps: one type, told apart by `code`, `status`, `tfCode` and `typeKey`. */
export class AzdoApiError extends AzdoError {
  readonly status: number;
  readonly tfCode?: string;
  readonly typeKey?: string;
  readonly request: RedactedRequest;
  readonly activityId?: string;
  readonly retryAfterSeconds?: number;
  readonly attempts?: number;
  readonly networkCode?: string;

  constructor(code: AzdoApiErrorCode, message: string, hint: string, fields: AzdoApiErrorFields) {
    super(code, message, hint, {
      status: fields.status,
      method: fields.request.method,
      url: fields.request.url,
      ...(fields.tfCode ? { tfCode: fields.tfCode } : {}),
      ...(fields.typeKey ? { typeKey: fields.typeKey } : {}),
      ...(fields.activityId ? { activityId: fields.activityId } : {}),
    });
    this.status = fields.status;
    this.request = fields.request;
    if (fields.tfCode !== undefined) this.tfCode = fields.tfCode;
    if (fields.typeKey !== undefined) this.typeKey = fields.typeKey;
    if (fields.activityId !== undefined) this.activityId = fields.activityId;
    if (fields.retryAfterSeconds !== undefined) this.retryAfterSeconds = fields.retryAfterSeconds;
    if (fields.attempts !== undefined) this.attempts = fields.attempts;
    if (fields.networkCode !== undefined) this.networkCode = fields.networkCode;
  }
}
