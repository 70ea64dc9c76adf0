import { AzdoApiError, AzdoApiErrorCodes as C, type AzdoApiErrorCode } from './azdo-api-error.js';
import { tfCodeOf, type AdoErrorBody } from './ado-error-body.js';
import { redactHeaders, scrub, secretsOf } from './redact.js';
import { retryAfterMs } from './retry-after.js';
import type { AzdoRequest, RawResponse } from './types.js';

/** What the error messages need to know about the connection. */
export interface ErrorContext {
  /** Organization or collection URL, for links in hints. */
  baseUrl: string;
}

const MAX_QUOTE = 400;

/** Builds errors for one request; keeps the redaction and the server's identifiers in one place. */
export class ErrorFactory {
  private readonly secrets: string[];
  private readonly headers: Record<string, string>;
  constructor(
    private readonly request: AzdoRequest,
    private readonly context: ErrorContext,
  ) {
    this.headers = request.meta.sentHeaders ?? request.headers;
    this.secrets = secretsOf(this.headers);
  }

  /** Quotes the server's own words, without any secret the request carried. */
  said(message: string | undefined): string {
    if (!message) return '';
    const text = scrub(message.trim(), this.secrets);
    return text.length > MAX_QUOTE ? `${text.slice(0, MAX_QUOTE)}…` : text;
  }

  tokensPage(): string {
    return `${this.context.baseUrl}/_usersSettings/tokens`;
  }

  make(code: AzdoApiErrorCode, message: string, hint: string, raw?: RawResponse, body?: AdoErrorBody, extra: { networkCode?: string } = {}): AzdoApiError {
    const tfCode = tfCodeOf(body?.message);
    const activityId = raw?.headers['activityid'] ?? raw?.headers['x-vss-e2eid'];
    const retryAfter = raw ? retryAfterMs(raw.headers) : undefined;
    return new AzdoApiError(code, scrub(message, this.secrets), scrub(hint, this.secrets), {
      status: raw?.status ?? 0,
      request: { method: this.request.method, url: this.request.url.toString(), headers: redactHeaders(this.headers) },
      attempts: this.request.meta.attempts,
      ...(tfCode ? { tfCode } : {}),
      ...(body?.typeKey ? { typeKey: body.typeKey } : {}),
      ...(activityId ? { activityId } : {}),
      ...(retryAfter !== undefined ? { retryAfterSeconds: Math.ceil(retryAfter / 1000) } : {}),
      ...extra,
    });
  }

  signInPage(raw: RawResponse, proxy?: string): AzdoApiError {
    if (proxy) {
      return this.make(
        C.signInPage,
        `A sign-in page of ${proxy}, a proxy in front of Azure DevOps, answered instead of Azure DevOps.`,
        `The proxy wants its own credentials: check the connection's custom headers (for Cloudflare Access, CF-Access-Client-Id and CF-Access-Client-Secret of a service token).`,
        raw,
      );
    }
    const anonymous = this.headers['authorization'] === undefined;
    return this.make(
      C.signInPage,
      anonymous
        ? 'Azure DevOps answered with a sign-in page: the request carried no credential.'
        : 'Azure DevOps answered with a sign-in page: the token is not valid for this organization.',
      anonymous
        ? 'Give the connection a credential: a personal access token, or a service principal for Azure DevOps Services.'
        : `Check that the token was copied whole, has not expired or been revoked, and was created for this organization (or for all accessible organizations). Create a new one at ${this.tokensPage()}.`,
      raw,
    );
  }
}
