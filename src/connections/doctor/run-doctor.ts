import type { AzdoAuth } from '../../azure/client/index.js';
import { apiBaseUrl, endpointsFromEnv, type ServiceEndpoints } from '../../azure/endpoints.js';
import { credentialExpiresAt } from '../../credentials/credential.js';
import { assertCredentialFitsDeployment, ServicePrincipalTokenSource } from '../../credentials/service-principal.js';
import { AzdoError } from '../../errors/azdo-error.js';
import type { Connection } from '../connection.js';
import { CheckRecorder } from './check-recorder.js';
import { credentialCheck } from './credential-checks.js';
import { DoctorCodes } from './doctor-codes.js';
import { bearerAuth, DoctorHttp, patAuth } from './doctor-http.js';
import type { DoctorCheck, DoctorReport, FeatureAccess } from './doctor-types.js';
import { FEATURE_CHECK_IDS, featureChecks } from './feature-checks.js';
import {
  organizationCheck,
  organizationNameCheck,
  publicUrlCheck,
  serverVersionCheck,
  type ApiLocations,
  type ConnectionData,
  type ResourceArea,
} from './organization-checks.js';
import { proxyCheck, reachabilityCheck } from './reachability-checks.js';
import { sshChecks, type SshOutcome } from './ssh-checks.js';

export interface RunDoctorOptions {
  /** Where Azure DevOps Services lives; default from the environment (AZDO_CONNECT_SERVICES_URL, ...). */
  endpoints?: ServiceEndpoints;
  /** Called as each check completes, in report order, so a UI can show them live. */
  onCheck?(check: DoctorCheck): void;
  /** Per request and per SSH step. Default 10 s. */
  timeoutMs?: number;
  /** How many repositories the connection is used for; a credential reaching far more is warned about. */
  repositoriesInUse?: number;
  /** For an SSH connection: a repository to try `git ls-remote` on. */
  repository?: { project?: string; name: string };
}

/** The Core resource area, which Azure DevOps resolves for any organization name without a credential (FACTS §1.1). */
const CORE_AREA = '79134c72-4a58-4b42-976c-04e7115f32bf';

function checkOrder(connection: Connection): string[] {
  const services = connection.deployment.kind === 'services';
  const rest = connection.credential.type === 'ssh' ? [] : ['credential', ...(services ? [] : ['public-url']), ...FEATURE_CHECK_IDS, 'access-breadth'];
  return ['reachability', 'proxy', 'organization', services ? 'organization-name' : 'server-version', ...rest];
}

function skipAfter(rec: CheckRecorder, order: readonly string[], id: string, reason: string): void {
  rec.skipAll(order.slice(order.indexOf(id) + 1), reason);
}

interface Credentials {
  auth?: AzdoAuth;
  unusable?: AzdoError;
}

function credentialsFor(connection: Connection, endpoints: ServiceEndpoints, timeoutMs: number, countRequest: () => void): Credentials {
  const credential = connection.credential;
  if (credential.type === 'pat') return { auth: patAuth(credential.token) };
  if (credential.type !== 'servicePrincipal') return {};
  try {
    assertCredentialFitsDeployment(credential, connection.deployment);
    const countingFetch: typeof fetch = (input, init) => {
      countRequest();
      return fetch(input, init);
    };
    const source = new ServicePrincipalTokenSource(
      { ...credential, authority: credential.authority ?? endpoints.entraAuthority },
      { fetch: countingFetch, timeoutMs },
    );
    return { auth: bearerAuth(async () => (await source.getToken()).token, `${source.tenantId}/${source.clientId}`) };
  } catch (error) {
    if (error instanceof AzdoError) return { unusable: error };
    throw error;
  }
}

/**
 * "Test connection": checks in a stable order, each with a status, a duration, a stable code, a message and a fix.
 * Independent probes run at once and no request is repeated, so a healthy connection costs a handful of requests.
 */
export async function runDoctor(connection: Connection, o: RunDoctorOptions = {}): Promise<DoctorReport> {
  const started = performance.now();
  const endpoints = o.endpoints ?? endpointsFromEnv();
  const timeoutMs = o.timeoutMs ?? 10_000;
  const rec = new CheckRecorder(o.onCheck);
  const features: FeatureAccess = {};

  // SSH talks to another host (ssh.dev.azure.com) and needs nothing from HTTP: it runs alongside.
  const ssh: Promise<SshOutcome> | undefined =
    connection.credential.type === 'ssh'
      ? sshChecks({ connection, endpoints, timeoutMs, ...(o.repository ? { repository: o.repository } : {}) }).catch((error: unknown) => {
          const recorder = new CheckRecorder();
          recorder.problem('fail', 'ssh-key', DoctorCodes.sshFailed, `The SSH checks could not run: ${(error as Error).message}`, 'Check that the temporary directory is writable, then test again.', 0);
          return { recorder };
        })
      : undefined;

  const requests = await httpChecks(rec, connection, endpoints, timeoutMs, features, o);

  let unconfirmedHostKey: DoctorReport['unconfirmedHostKey'];
  if (ssh) {
    const outcome = await ssh;
    for (const check of outcome.recorder.checks) rec.add(check);
    unconfirmedHostKey = outcome.unconfirmedHostKey;
    if (outcome.readCode !== undefined) features.readCode = outcome.readCode;
  }

  const expiresAt = credentialExpiresAt(connection.credential);
  return {
    ok: !rec.failed,
    checks: rec.checks,
    features,
    requests,
    durationMs: Math.round(performance.now() - started),
    ...(expiresAt !== undefined ? { credentialExpiresAt: expiresAt } : {}),
    ...(unconfirmedHostKey ? { unconfirmedHostKey } : {}),
  };
}

/** Returns the number of HTTP requests made. */
async function httpChecks(
  rec: CheckRecorder,
  connection: Connection,
  endpoints: ServiceEndpoints,
  timeoutMs: number,
  features: FeatureAccess,
  o: RunDoctorOptions,
): Promise<number> {
  const order = checkOrder(connection);
  const services = connection.deployment.kind === 'services';
  const baseUrl = apiBaseUrl(connection, endpoints);
  const tokensPage = `${connection.url.replace(/\/+$/, '')}/_usersSettings/tokens`;
  let http: DoctorHttp | undefined;
  const credentials = credentialsFor(connection, endpoints, timeoutMs, () => http?.countExternal());
  try {
    http = new DoctorHttp({
      baseUrl,
      headers: Object.fromEntries(connection.customHeaders.map((h) => [h.name, h.value])),
      ...(connection.tls.caBundle !== undefined ? { ca: connection.tls.caBundle } : {}),
      timeoutMs,
      ...(credentials.auth ? { auth: credentials.auth } : {}),
    });
  } catch (error) {
    if (!(error instanceof AzdoError)) throw error;
    rec.error('reachability', error, 0);
    skipAfter(rec, order, 'reachability', 'the connection\'s settings above have to be corrected first.');
    return 0;
  }
  const client = http.authenticated;
  try {
    const sp = connection.credential.type === 'servicePrincipal';
    const [area, locations, tenant, connectionData] = await Promise.all([
      services
        ? http.probe<ResourceArea | null>(http.anonymous, 'GET', `${endpoints.servicesUrl.replace(/\/+$/, '')}/_apis/resourceAreas/${CORE_AREA}`, {
            apiVersion: '5.0-preview.1',
            query: { accountName: connection.deployment.kind === 'services' ? connection.deployment.organization : '' },
          })
        : undefined,
      // A Server behind Windows authentication answers nothing anonymously, so its locations are asked with the PAT.
      services ? undefined : http.probe<ApiLocations>(client ?? http.anonymous, 'OPTIONS', '_apis/core', { apiVersion: false }),
      services && sp && client ? http.probe<unknown>(http.anonymous, 'HEAD', '', { apiVersion: false }) : undefined,
      client ? http.probe<ConnectionData>(client, 'GET', '_apis/connectionData', { apiVersion: false, query: { connectOptions: 'none' } }) : undefined,
    ]);
    const anonymous = (area ?? locations)!;
    const first = [anonymous, tenant, connectionData].filter((p) => p !== undefined);

    if (!reachabilityCheck(rec, first, { url: new URL(baseUrl), hasCaBundle: connection.tls.caBundle !== undefined })) {
      skipAfter(rec, order, 'reachability', `${new URL(baseUrl).host} could not be reached.`);
      return http.requests;
    }
    if (!proxyCheck(rec, first, connection.customHeaders.map((h) => h.name))) {
      skipAfter(rec, order, 'proxy', 'a proxy answered instead of Azure DevOps.');
      return http.requests;
    }
    if (!organizationCheck(rec, connection, { anonymous, ...(connectionData ? { connectionData } : {}) })) {
      skipAfter(rec, order, 'organization', `the ${services ? 'organization' : 'collection'} was not found.`);
      return http.requests;
    }
    let apiVersion = '7.1';
    if (area) organizationNameCheck(rec, connection, area);
    if (locations) {
      const version = serverVersionCheck(rec, locations);
      if (version.refused) {
        skipAfter(rec, order, 'server-version', 'Azure DevOps Server 2022 or newer is required.');
        return http.requests;
      }
      apiVersion = version.apiVersion ?? apiVersion;
    }
    if (connection.credential.type === 'ssh') return http.requests;

    const accepted = credentialCheck(rec, {
      connection,
      tokensPage,
      ...(credentials.unusable ? { unusable: credentials.unusable } : {}),
      ...(connectionData ? { connectionData } : {}),
      ...(tenant ? { tenantProbe: tenant } : {}),
    });
    if (!services) {
      if (connectionData) publicUrlCheck(rec, connection, connectionData);
      else rec.skip('public-url', 'the credential could not be used.');
    }
    if (!accepted || !client) {
      skipAfter(rec, order, services ? 'credential' : 'public-url', 'the credential was not accepted.');
      return http.requests;
    }
    await featureChecks(
      rec,
      { connection, endpoints, http, client, apiVersion, tokensPage, ...(o.repositoriesInUse !== undefined ? { repositoriesInUse: o.repositoriesInUse } : {}) },
      features,
    );
    return http.requests;
  } finally {
    http.close();
  }
}
