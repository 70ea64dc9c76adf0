import { AzdoClient, bearerAuth, patAuth, type AzdoAuth } from '../azure/client/index.js';
import { apiBaseUrl, type ServiceEndpoints } from '../azure/endpoints.js';
import type { Connection } from '../connections/connection.js';
import { assertCredentialFitsDeployment, ServicePrincipalTokenSource } from '../credentials/service-principal.js';
import { needsHttpCredential } from './repository-errors.js';

/** Azure DevOps' REST credential of a connection; an SSH key has none. */
export function connectionAuth(connection: Connection, endpoints: ServiceEndpoints): AzdoAuth {
  const credential = connection.credential;
  if (credential.type === 'pat') return patAuth(credential.token);
  if (credential.type === 'servicePrincipal') {
    assertCredentialFitsDeployment(credential, connection.deployment);
    const source = new ServicePrincipalTokenSource({ ...credential, authority: credential.authority ?? endpoints.entraAuthority });
    return bearerAuth(async () => (await source.getToken()).token, `${source.tenantId}/${source.clientId}`);
  }
  throw needsHttpCredential(connection.name);
}

/**
 * The REST client for a connection: its URL (or the Services stand-in's), credential, custom headers and CA bundle.
 * Server connections speak api-version 7.0, the newest every supported Server (2022 and later) accepts.
 */
export function clientForConnection(connection: Connection, endpoints: ServiceEndpoints): AzdoClient {
  return new AzdoClient({
    baseUrl: apiBaseUrl(connection, endpoints),
    auth: connectionAuth(connection, endpoints),
    headers: Object.fromEntries(connection.customHeaders.map((h) => [h.name, h.value])),
    ...(connection.tls.caBundle !== undefined ? { ca: connection.tls.caBundle } : {}),
    apiVersion: connection.deployment.kind === 'server' ? '7.0' : '7.1',
  });
}
