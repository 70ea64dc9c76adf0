import { randomUUID } from 'node:crypto';
import type { Deployment } from '../azure/urls.js';
import { AzdoError } from '../errors/azdo-error.js';
import type { Credential, PublicCredential, ServicePrincipalCredential } from './credential.js';
import {
  entraTokenError,
  isEntraErrorBody,
  ServicePrincipalErrorCodes,
  tokenFailed,
  type TokenRequestContext,
} from './entra-token-errors.js';

export { ServicePrincipalErrorCodes } from './entra-token-errors.js';

/** Azure DevOps' resource id as a v2 scope (ENTRA §0.1); the resource URI form is not accepted for tokens ADO takes. */
export const AZURE_DEVOPS_SCOPE = '499b84ac-1321-427f-aa17-267ca6975798/.default';
export const DEFAULT_AUTHORITY = 'https://login.microsoftonline.com';

/**
 * Refresh this long before expiry. Entra tokens live 60 to 90 minutes; 5 minutes covers clock skew (Entra itself
 * tolerates 5) and a request or git fetch started just before expiry, while keeping more of each token's life than
 * backstage's 10. A token Azure DevOps rejects anyway is dropped with `invalidate()`.
 */
export const DEFAULT_REFRESH_MARGIN_MS = 5 * 60_000;

export type ServicePrincipalInput = Pick<ServicePrincipalCredential, 'tenantId' | 'clientId' | 'clientSecret' | 'authority'>;

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DOMAIN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;
const META_TENANTS = new Set(['common', 'organizations', 'consumers']);
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

interface FieldProblem {
  field: 'tenantId' | 'clientId' | 'clientSecret' | 'authority';
  message: string;
}

function checkTenant(raw: string, problems: FieldProblem[]): string {
  const tenant = raw.trim().toLowerCase();
  if (tenant === '') problems.push({ field: 'tenantId', message: 'is empty: give the Directory (tenant) ID from the app registration\'s Overview page' });
  else if (META_TENANTS.has(tenant)) {
    problems.push({ field: 'tenantId', message: `"${tenant}" names no tenant, and the client-credentials grant needs one: give the Directory (tenant) ID` });
  } else if (!GUID.test(tenant) && !DOMAIN.test(tenant)) {
    problems.push({ field: 'tenantId', message: 'must be a GUID (the Directory (tenant) ID) or a domain such as contoso.onmicrosoft.com' });
  }
  return tenant;
}

function checkAuthority(raw: string | undefined, problems: FieldProblem[]): string | undefined {
  if (raw === undefined || raw.trim() === '') return undefined;
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    problems.push({ field: 'authority', message: 'is not a URL: use https://login.microsoftonline.com or your cloud\'s authority' });
    return undefined;
  }
  // The client secret travels in the request body, so it must not cross a network in clear text.
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.has(url.hostname))) {
    problems.push({ field: 'authority', message: 'must be an https:// URL (plain http only on this machine: localhost or 127.0.0.1)' });
  } else if (url.username || url.password || url.search || url.hash) {
    problems.push({ field: 'authority', message: 'must not contain a user name, password, query or fragment' });
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

/**
 * Checks a service principal's settings before any request, naming every bad field at once (details.fields), and
 * returns them trimmed (GUIDs in lower case). The secret is never repeated.
 */
export function validateServicePrincipalInput(input: ServicePrincipalInput): ServicePrincipalInput {
  const problems: FieldProblem[] = [];
  const tenantId = checkTenant(String(input.tenantId ?? ''), problems);
  const clientId = String(input.clientId ?? '').trim().toLowerCase();
  if (clientId === '') problems.push({ field: 'clientId', message: 'is empty: give the Application (client) ID from the app registration\'s Overview page' });
  else if (!GUID.test(clientId)) problems.push({ field: 'clientId', message: 'must be the Application (client) ID, a GUID' });
  else if (clientId === tenantId) problems.push({ field: 'clientId', message: 'is the same GUID as the tenant ID: one of the two was copied from the wrong line' });
  const clientSecret = String(input.clientSecret ?? '').trim();
  if (clientSecret === '') problems.push({ field: 'clientSecret', message: 'is empty: give the value of a client secret (Certificates & secrets)' });
  const authority = checkAuthority(input.authority, problems);

  if (problems.length > 0) {
    throw new AzdoError(
      ServicePrincipalErrorCodes.INPUT_INVALID,
      `The service principal settings are not valid: ${problems.map((p) => `${p.field} ${p.message}`).join('; ')}.`,
      'Copy the Directory (tenant) ID and the Application (client) ID from the Overview page of the app registration ' +
        '(Azure portal > Microsoft Entra ID > App registrations), and the client secret\'s value from Certificates & secrets.',
      { fields: problems },
    );
  }
  return { tenantId, clientId, clientSecret, ...(authority !== undefined ? { authority } : {}) };
}

/** Refuses a credential the deployment cannot use: Azure DevOps Server has no Entra ID (ENTRA §2.8). */
export function assertCredentialFitsDeployment(credential: Credential | PublicCredential, deployment: Deployment): void {
  if (credential.type === 'servicePrincipal' && deployment.kind === 'server') {
    throw new AzdoError(
      ServicePrincipalErrorCodes.SERVER_UNSUPPORTED,
      'A service principal cannot sign in to Azure DevOps Server: Azure DevOps Server has no Entra ID support.',
      'Use a PAT or an SSH key for this connection.',
      { collection: deployment.collection },
    );
  }
}

export interface AccessToken {
  token: string;
  expiresAt: Date;
}

export interface ServicePrincipalTokenSourceOptions {
  /** For a proxy or a custom CA; default the global fetch. */
  fetch?: typeof fetch;
  /** Milliseconds since the epoch; injected so tests can move time. */
  now?: () => number;
  refreshMarginMs?: number;
  timeoutMs?: number;
}

/**
 * Azure DevOps access tokens for a service principal, from Entra ID's client-credentials grant (ENTRA §2.1). A token
 * is reused until shortly before it expires, and callers asking at the same time share one request.
 */
export class ServicePrincipalTokenSource {
  readonly tenantId: string;
  readonly clientId: string;
  readonly authority: string;
  // A private field, so neither JSON.stringify nor util.inspect of this object shows the secret.
  readonly #clientSecret: string;
  readonly #fetch: typeof fetch;
  readonly #now: () => number;
  readonly #marginMs: number;
  readonly #timeoutMs: number;
  #cached: { token: AccessToken; refreshAt: number } | undefined;
  #pending: Promise<AccessToken> | undefined;

  constructor(credential: ServicePrincipalInput, o: ServicePrincipalTokenSourceOptions = {}) {
    const valid = validateServicePrincipalInput(credential);
    this.tenantId = valid.tenantId;
    this.clientId = valid.clientId;
    this.authority = valid.authority ?? DEFAULT_AUTHORITY;
    this.#clientSecret = valid.clientSecret;
    this.#fetch = o.fetch ?? fetch;
    this.#now = o.now ?? Date.now;
    this.#marginMs = o.refreshMarginMs ?? DEFAULT_REFRESH_MARGIN_MS;
    this.#timeoutMs = o.timeoutMs ?? 30_000;
  }

  get tokenEndpoint(): string {
    return `${this.authority}/${encodeURIComponent(this.tenantId)}/oauth2/v2.0/token`;
  }

  async getToken(): Promise<AccessToken> {
    if (this.#cached && this.#now() < this.#cached.refreshAt) return this.#cached.token;
    this.#pending ??= this.#request().finally(() => {
      this.#pending = undefined;
    });
    return this.#pending;
  }

  async authorizationHeader(): Promise<string> {
    return `Bearer ${(await this.getToken()).token}`;
  }

  /** Forgets the cached token, e.g. after Azure DevOps rejected it; the next call asks Entra again. */
  invalidate(): void {
    this.#cached = undefined;
  }

  async #request(): Promise<AccessToken> {
    const ctx: TokenRequestContext = {
      tenantId: this.tenantId,
      clientId: this.clientId,
      authority: this.authority,
      clientSecret: this.#clientSecret,
    };
    const details = { tenantId: this.tenantId, clientId: this.clientId, authority: this.authority };
    // Measured before the request, so the expiry errs early rather than late.
    const startedAt = this.#now();
    let response: Response;
    try {
      response = await this.#fetch(this.tokenEndpoint, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
          // Entra echoes it as the correlation ID, which ties our logs to its sign-in logs.
          'client-request-id': randomUUID(),
        },
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: this.clientId,
          client_secret: this.#clientSecret,
          scope: AZURE_DEVOPS_SCOPE,
        }).toString(),
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
    } catch (error) {
      const e = error as Error & { cause?: { code?: string } };
      const timedOut = e.name === 'TimeoutError' || e.name === 'AbortError';
      const reason = timedOut ? `no answer within ${Math.round(this.#timeoutMs / 1000)} s` : (e.cause?.code ?? e.message);
      throw tokenFailed(
        `Could not reach Entra ID at ${this.authority}: ${reason}.`,
        'Check the network connection, any proxy, and the authority URL; then try again.',
        { ...details, reason },
      );
    }

    const text = await response.text().catch(() => '');
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    if (!response.ok) {
      if (isEntraErrorBody(body)) throw entraTokenError(response.status, body, ctx);
      throw tokenFailed(
        `Entra ID at ${this.authority} answered HTTP ${response.status} without an Entra error.`,
        'Check that the authority is Microsoft Entra ID (https://login.microsoftonline.com or your cloud\'s) and that no proxy answers in its place; if the status is 5xx, try again later.',
        { ...details, status: response.status, contentType: response.headers.get('content-type') ?? undefined },
      );
    }
    const ok = body as { access_token?: unknown; token_type?: unknown; expires_in?: unknown } | undefined;
    const expiresIn = Number(ok?.expires_in);
    if (typeof ok?.access_token !== 'string' || ok.access_token === '' || !(expiresIn > 0) || String(ok.token_type).toLowerCase() !== 'bearer') {
      throw tokenFailed(
        `Entra ID at ${this.authority} answered without a usable access token.`,
        'Check that the authority is Microsoft Entra ID and that no proxy rewrites its answers.',
        { ...details, status: response.status },
      );
    }
    const lifetimeMs = expiresIn * 1000;
    const token: AccessToken = { token: ok.access_token, expiresAt: new Date(startedAt + lifetimeMs) };
    // Short-lived tokens (a test setting, or a policy) would otherwise never be reused.
    this.#cached = { token, refreshAt: startedAt + lifetimeMs - Math.min(this.#marginMs, lifetimeMs / 2) };
    return token;
  }
}
