import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { EntraSigningKey } from './entra-keys.js';
import { EntraErrors, isGuid, sendEntraError, tokenEndpointHeaders, type EntraError } from './entra-errors.js';
import { AZURE_DEVOPS_RESOURCE_ID, AZURE_DEVOPS_RESOURCE_URI, DEFAULT_TOKEN_LIFETIME_SECONDS, issueAppToken } from './entra-tokens.js';

export interface EntraServicePrincipal {
  objectId: string;
  appId: string;
  tenantId: string;
  displayName: string;
  /** Plain client secrets: the simulator is a test tool and must hand out what it was seeded with. */
  secrets: string[];
}

export interface EntraRoutesOptions {
  key: EntraSigningKey;
  /** `tenantId` is the tenant as named in the URL, lower-cased when it is a GUID; `appId` likewise. */
  findServicePrincipal(tenantId: string, appId: string): EntraServicePrincipal | undefined;
  knownTenant(tenantId: string): boolean;
  /** The origin the caller used, e.g. "http://127.0.0.1:1234": discovery documents point back at it. */
  baseUrl(request: FastifyRequest): string;
  /** Keys rotated out but still published in JWKS, so tokens they signed keep verifying for a while. */
  previousKeys?: readonly EntraSigningKey[];
  /** `expires_in` of issued tokens (Entra: 3599). */
  tokenLifetimeSeconds?: number;
  /** Injected clock, so tests can issue tokens "in the past". */
  now?: () => Date;
}

/** The tenant-independent names Entra accepts in place of a tenant; none of them is a tenant. */
const META_TENANTS = new Set(['common', 'organizations', 'consumers']);
const MSA_TENANT_ID = '9188040d-6c67-4c5b-b112-36a304b66dad';
const DNS_NAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;

type Tenant = { kind: 'tenant'; id: string } | { kind: 'meta'; name: 'common' | 'organizations' | 'consumers' };

/**
 * Resolves the `{tenant}` path segment the way Entra does before it looks at anything else: a GUID or verified
 * domain of a tenant that exists, one of the meta tenants, or an error. `invalidTenantError` is the `error` value,
 * which the token endpoint reports as `invalid_request` and the metadata endpoints as `invalid_tenant`.
 */
function resolveTenant(raw: string, o: EntraRoutesOptions, invalidTenantError: string): Tenant | EntraError {
  const lower = raw.toLowerCase();
  if (META_TENANTS.has(lower)) return { kind: 'meta', name: lower as 'common' | 'organizations' | 'consumers' };
  if (!isGuid(raw) && !DNS_NAME.test(raw)) {
    return { ...EntraErrors.invalidTenantIdentifier(raw), error: invalidTenantError };
  }
  if (!o.knownTenant(lower)) return EntraErrors.tenantNotFound(raw, invalidTenantError);
  return { kind: 'tenant', id: lower };
}

function isEntraError(value: Tenant | EntraError): value is EntraError {
  return 'code' in value;
}

type Form = Record<string, string>;

/** Only a form body counts: Entra ignores JSON and query-string parameters, hence the classic "must contain 'grant_type'". */
function formOf(request: FastifyRequest): Form {
  const type = String(request.headers['content-type'] ?? '').toLowerCase();
  if (!type.startsWith('application/x-www-form-urlencoded') || typeof request.body !== 'string') return {};
  const form: Form = {};
  for (const [name, value] of new URLSearchParams(request.body)) {
    if (!(name in form)) form[name] = value;
  }
  return form;
}

interface BasicCredentials {
  /** Each part as sent and form-decoded (RFC 6749 §2.3.1), since clients disagree on whether to encode. */
  ids: string[];
  secrets: string[];
}

function basicCredentials(header: string | undefined): BasicCredentials | 'malformed' | undefined {
  if (!header || !/^basic\s/i.test(header)) return undefined;
  const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return 'malformed';
  const variants = (s: string): string[] => {
    try {
      const formDecoded = decodeURIComponent(s.replace(/\+/g, ' '));
      return formDecoded === s ? [s] : [s, formDecoded];
    } catch {
      return [s];
    }
  };
  return { ids: variants(decoded.slice(0, colon)), secrets: variants(decoded.slice(colon + 1)) };
}

function sameSecret(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb);
}

/** The resource a `.../.default` scope names, if it is Azure DevOps under one of its two names. */
function isAzureDevOpsResource(resource: string): boolean {
  const r = resource.toLowerCase().replace(/\/+$/, '');
  return r === AZURE_DEVOPS_RESOURCE_ID || r === AZURE_DEVOPS_RESOURCE_URI;
}

type Outcome = { ok: true; principal: EntraServicePrincipal } | { ok: false; error: EntraError };

/**
 * Validates a client-credentials request in the order Entra reports problems: tenant, grant type, the shape of
 * the request, the application, its credential, and last the resource (an unauthenticated caller learns nothing
 * about which resources exist).
 */
function checkClientCredentials(request: FastifyRequest, form: Form, o: EntraRoutesOptions): Outcome {
  const fail = (error: EntraError): Outcome => ({ ok: false, error });
  const { tenant: rawTenant } = request.params as { tenant: string };
  const tenant = resolveTenant(rawTenant, o, 'invalid_request');
  if (isEntraError(tenant)) return fail(tenant);

  const grantType = form.grant_type;
  if (!grantType) return fail(EntraErrors.missingParameter('grant_type'));
  if (grantType !== 'client_credentials') return fail(EntraErrors.unsupportedGrantType(grantType));
  if (tenant.kind === 'meta') {
    return fail(tenant.name === 'organizations' ? EntraErrors.noTenantInformation() : EntraErrors.grantNotSupportedOnCommon());
  }

  const basic = basicCredentials(request.headers.authorization);
  if (basic === 'malformed') return fail(EntraErrors.malformedRequest());
  if (basic && (form.client_secret !== undefined || form.client_assertion !== undefined)) {
    return fail(EntraErrors.malformedRequest());
  }
  if (basic && form.client_id !== undefined && !basic.ids.includes(form.client_id)) return fail(EntraErrors.malformedRequest());
  const clientId = (basic ? basic.ids[basic.ids.length - 1] : form.client_id)?.trim();
  if (!clientId) return fail(EntraErrors.missingParameter('client_id'));

  const scope = form.scope?.trim();
  if (!scope) return fail(EntraErrors.missingParameter('scope'));
  const scopes = scope.split(/\s+/);
  if (scopes.length > 1) return fail(EntraErrors.invalidScope(scope));
  if (!scope.endsWith('/.default')) return fail(EntraErrors.clientCredentialScopeNotDefault(scope));

  const lookupId = isGuid(clientId) ? clientId.toLowerCase() : clientId;
  const principal = o.findServicePrincipal(tenant.id, lookupId);
  if (!principal) return fail(EntraErrors.applicationNotFound(clientId, rawTenant));

  if (form.client_assertion !== undefined) return fail(EntraErrors.clientAssertionKeyNotFound());
  const offered = basic ? basic.secrets : form.client_secret !== undefined ? [form.client_secret] : [];
  if (offered.length === 0 || offered.every((s) => s === '')) return fail(EntraErrors.missingClientCredential());
  const matches = offered.some((candidate) => principal.secrets.some((secret) => sameSecret(candidate, secret)));
  if (!matches) return fail(EntraErrors.invalidClientSecret(principal.appId));

  const resource = scope.slice(0, -'/.default'.length);
  if (!isAzureDevOpsResource(resource)) return fail(EntraErrors.resourceNotFound(resource, rawTenant));
  return { ok: true, principal };
}

function metadataHeaders(reply: FastifyReply): FastifyReply {
  return reply.headers({
    'cache-control': 'max-age=86400, private',
    'access-control-allow-origin': '*',
    'x-ms-request-id': randomUUID(),
    'content-type': 'application/json; charset=utf-8',
  });
}

/** The v2.0 discovery document, in the shape and field order of a real capture (ENTRA.md §6.1). */
function v2Discovery(base: string, tenantSegment: string, tenant: Tenant): Record<string, unknown> {
  const at = `${base}/${tenantSegment}`;
  const issuerTenant =
    tenant.kind === 'tenant' ? tenant.id : tenant.name === 'consumers' ? MSA_TENANT_ID : '{tenantid}';
  return {
    token_endpoint: `${at}/oauth2/v2.0/token`,
    token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
    jwks_uri: `${at}/discovery/v2.0/keys`,
    response_modes_supported: ['query', 'fragment', 'form_post'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    issuer: `${base}/${issuerTenant}/v2.0`,
    request_uri_parameter_supported: false,
    userinfo_endpoint: 'https://graph.microsoft.com/oidc/userinfo',
    authorization_endpoint: `${at}/oauth2/v2.0/authorize`,
    device_authorization_endpoint: `${at}/oauth2/v2.0/devicecode`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: `${at}/oauth2/v2.0/logout`,
    claims_supported: [
      'sub', 'iss', 'cloud_instance_name', 'cloud_instance_host_name', 'cloud_graph_host_name', 'msgraph_host', 'aud', 'exp', 'iat',
      'auth_time', 'acr', 'nonce', 'preferred_username', 'name', 'tid', 'ver', 'at_hash', 'c_hash', 'email',
    ],
    kerberos_endpoint: `${at}/kerberos`,
    tenant_region_scope: tenant.kind === 'tenant' ? 'WW' : null,
    cloud_instance_name: 'microsoftonline.com',
    cloud_graph_host_name: 'graph.windows.net',
    msgraph_host: 'graph.microsoft.com',
    rbac_url: 'https://pas.windows.net',
  };
}

/**
 * The v1.0 discovery document. Approximate shape (from memory of real ones, not a stored capture); it matters
 * because v1 access tokens, which Azure DevOps gets, name `https://sts.windows.net/{tid}/` as issuer and a
 * resource server validating them reads this document, not the v2 one.
 */
function v1Discovery(base: string, tenantSegment: string, tenant: Tenant): Record<string, unknown> {
  const at = `${base}/${tenantSegment}`;
  const issuerTenant = tenant.kind === 'tenant' ? tenant.id : '{tenantid}';
  return {
    token_endpoint: `${at}/oauth2/token`,
    token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
    jwks_uri: `${at}/discovery/keys`,
    response_modes_supported: ['query', 'fragment', 'form_post'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    response_types_supported: ['code', 'id_token', 'code id_token', 'token id_token', 'token'],
    scopes_supported: ['openid'],
    issuer: `https://sts.windows.net/${issuerTenant}/`,
    microsoft_multi_refresh_token: true,
    authorization_endpoint: `${at}/oauth2/authorize`,
    device_authorization_endpoint: `${at}/oauth2/devicecode`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: `${at}/oauth2/logout`,
    claims_supported: [
      'sub', 'iss', 'cloud_instance_name', 'cloud_instance_host_name', 'cloud_graph_host_name', 'msgraph_host', 'aud', 'exp', 'iat',
      'auth_time', 'acr', 'amr', 'nonce', 'email', 'given_name', 'family_name', 'nickname',
    ],
    check_session_iframe: `${at}/oauth2/checksession`,
    userinfo_endpoint: `${at}/openid/userinfo`,
    kerberos_endpoint: `${at}/kerberos`,
    tenant_region_scope: tenant.kind === 'tenant' ? 'WW' : null,
    cloud_instance_name: 'microsoftonline.com',
    cloud_graph_host_name: 'graph.windows.net',
    msgraph_host: 'graph.microsoft.com',
    rbac_url: 'https://pas.windows.net',
  };
}

function publicKeyEntry(key: EntraSigningKey): Record<string, unknown> {
  return { kty: 'RSA', use: 'sig', kid: key.kid, x5t: key.kid, n: key.publicJwk.n, e: key.publicJwk.e };
}

/**
 * Simulated Microsoft Entra ID: the client-credentials token endpoint, OIDC discovery and JWKS, under
 * `/{tenant}/...` like login.microsoftonline.com. Register it with `app.register(entraRoutes, options)`
 * (or call it directly): everything, including the form body parser, lives in its own encapsulated context.
 */
export async function entraRoutes(app: FastifyInstance, o: EntraRoutesOptions): Promise<void> {
  await app.register(async (scope) => {
    const clock = o.now ?? (() => new Date());

    // Take every body as text so the token route can answer JSON or empty bodies the way Entra does (as if no
    // parameters were sent), instead of fastify rejecting them before Entra's own checks run.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => {
      done(null, body);
    });

    scope.post('/:tenant/oauth2/v2.0/token', async (request, reply) => {
      const now = clock();
      const form = formOf(request);
      const outcome = checkClientCredentials(request, form, o);
      if (!outcome.ok) return sendEntraError(reply, request, outcome.error, now);

      const { principal } = outcome;
      const issued = await issueAppToken(o.key, {
        tenantId: principal.tenantId,
        appId: principal.appId,
        objectId: principal.objectId,
        lifetimeSeconds: o.tokenLifetimeSeconds ?? DEFAULT_TOKEN_LIFETIME_SECONDS,
        now,
      });
      const body = {
        token_type: 'Bearer',
        expires_in: issued.expiresIn,
        ext_expires_in: issued.expiresIn,
        access_token: issued.accessToken,
      };
      return reply.code(200).headers(tokenEndpointHeaders(randomUUID())).send(JSON.stringify(body));
    });

    const metadata = (
      build: (request: FastifyRequest, tenantSegment: string, tenant: Tenant) => Record<string, unknown>,
    ) => async (request: FastifyRequest, reply: FastifyReply) => {
      const { tenant: raw } = request.params as { tenant: string };
      const tenant = resolveTenant(raw, o, 'invalid_tenant');
      if (isEntraError(tenant)) return sendEntraError(reply, request, tenant, clock());
      return metadataHeaders(reply).code(200).send(JSON.stringify(build(request, raw, tenant)));
    };

    scope.get('/:tenant/v2.0/.well-known/openid-configuration', metadata((request, segment, tenant) => v2Discovery(o.baseUrl(request), segment, tenant)));
    scope.get('/:tenant/.well-known/openid-configuration', metadata((request, segment, tenant) => v1Discovery(o.baseUrl(request), segment, tenant)));

    const jwks = metadata(() => ({ keys: [o.key, ...(o.previousKeys ?? [])].map(publicKeyEntry) }));
    scope.get('/:tenant/discovery/v2.0/keys', jwks);
    scope.get('/:tenant/discovery/keys', jwks);
  });
}
