import { randomUUID } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * An error the Entra token endpoint answers with. `message` is the text after "AADSTSnnnn: "; texts come from
 * ENTRA.md §1.10 or public captures of real responses unless a comment at the constructor says "approximate".
 */
export interface EntraError {
  status: 400 | 401;
  error: string;
  code: number;
  message: string;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isGuid(s: string): boolean {
  return GUID.test(s);
}

/** Entra's timestamp format in error bodies: "2019-11-29 06:39:27Z". */
export function entraTimestamp(date: Date): string {
  return `${date.toISOString().slice(0, 19).replace('T', ' ')}Z`;
}

/**
 * Real responses use the caller's `client-request-id` (MSAL sends one) as the correlation ID, which is what lets
 * support match a client log line to a server trace; keep that so client logs stay useful against the simulator.
 */
function correlationId(request: FastifyRequest): string {
  const header = request.headers['client-request-id'];
  const value = Array.isArray(header) ? header[0] : header;
  return value && isGuid(value) ? value.toLowerCase() : randomUUID();
}

/** Headers every token-endpoint answer carries; tokens and errors must never be cached by a proxy. */
export function tokenEndpointHeaders(traceId: string): Record<string, string> {
  return {
    'cache-control': 'no-store, no-cache',
    pragma: 'no-cache',
    'x-ms-request-id': traceId,
    'x-ms-ests-server': '2.1.0 - azdo-connect simulator',
    'content-type': 'application/json; charset=utf-8',
  };
}

export function sendEntraError(reply: FastifyReply, request: FastifyRequest, e: EntraError, now: Date): FastifyReply {
  const traceId = randomUUID();
  const correlation = correlationId(request);
  const timestamp = entraTimestamp(now);
  const body = {
    error: e.error,
    error_description: `AADSTS${e.code}: ${e.message}\r\nTrace ID: ${traceId}\r\nCorrelation ID: ${correlation}\r\nTimestamp: ${timestamp}`,
    error_codes: [e.code],
    timestamp,
    trace_id: traceId,
    correlation_id: correlation,
    // The real error page explains the code to a human; a simulator copy of it would explain nothing more.
    error_uri: `https://login.microsoftonline.com/error?code=${e.code}`,
  };
  return reply.code(e.status).headers(tokenEndpointHeaders(traceId)).send(JSON.stringify(body));
}

export const EntraErrors = {
  tenantNotFound: (tenant: string, error = 'invalid_request'): EntraError => ({
    status: 400,
    error,
    code: 90002,
    message:
      `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. ` +
      'Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.',
  }),

  invalidTenantIdentifier: (tenant: string): EntraError => ({
    status: 400,
    error: 'invalid_request',
    code: 900023,
    message: `Specified tenant identifier '${tenant}' is neither a valid DNS name, nor a valid external domain.`,
  }),

  grantNotSupportedOnCommon: (): EntraError => ({
    status: 400,
    error: 'invalid_request',
    code: 9001023,
    message:
      'The grant type is not supported over the /common or /consumers endpoints. Please use the /organizations or tenant-specific endpoint.',
  }),

  // Entra may instead guess the tenant from a single-tenant app's client_id; failing keeps the simulator from
  // rewarding a client that never says which tenant it means (the MSAL libraries refuse this themselves).
  noTenantInformation: (): EntraError => ({
    status: 400,
    error: 'invalid_request',
    code: 50059,
    message: 'No tenant-identifying information found in either the request or implied by any provided credentials.',
  }),

  missingParameter: (name: string): EntraError => ({
    status: 400,
    error: 'invalid_request',
    code: 900144,
    message: `The request body must contain the following parameter: '${name}'.`,
  }),

  unsupportedGrantType: (grantType: string): EntraError => ({
    status: 400,
    error: 'unsupported_grant_type',
    code: 70003,
    message: `The app requested an unsupported grant type '${grantType}'.`,
  }),

  // Approximate: Entra's answer to a request that uses two client authentication methods at once is not on record.
  malformedRequest: (): EntraError => ({
    status: 400,
    error: 'invalid_request',
    code: 9002313,
    message: 'Invalid request. Request is malformed or invalid.',
  }),

  applicationNotFound: (appId: string, tenant: string): EntraError => ({
    status: 400,
    error: 'unauthorized_client',
    code: 700016,
    message:
      `Application with identifier '${appId}' was not found in the directory '${tenant}'. This can happen if the application has not been ` +
      'installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.',
  }),

  missingClientCredential: (): EntraError => ({
    status: 401,
    error: 'invalid_client',
    code: 7000218,
    message: "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
  }),

  invalidClientSecret: (appId: string): EntraError => ({
    status: 401,
    error: 'invalid_client',
    code: 7000215,
    message:
      'Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, ' +
      `for a secret added to app '${appId}'.`,
  }),

  // Approximate wording. Simulated principals have secrets only, so any certificate or federated assertion
  // is signed by a key the app does not have, which is the case this code covers.
  clientAssertionKeyNotFound: (): EntraError => ({
    status: 401,
    error: 'invalid_client',
    code: 700027,
    message: 'Client assertion contains an invalid signature. [Reason - The key was not found.]',
  }),

  clientCredentialScopeNotDefault: (scope: string): EntraError => ({
    status: 400,
    error: 'invalid_scope',
    code: 1002012,
    message:
      `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed ` +
      'to the resource identifier (application ID URI).',
  }),

  // Wording as in public captures of several-scope client-credentials requests; treat as approximate.
  invalidScope: (scope: string): EntraError => ({
    status: 400,
    error: 'invalid_scope',
    code: 70011,
    message: `The provided value for the input parameter 'scope' is not valid. The scope ${scope} is not valid.`,
  }),

  resourceNotFound: (resource: string, tenant: string): EntraError => ({
    status: 400,
    error: 'invalid_resource',
    code: 500011,
    message:
      `The resource principal named ${resource} was not found in the tenant named ${tenant}. This can happen if the application has not been ` +
      'installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.',
  }),
};
