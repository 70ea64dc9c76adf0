import { AzdoApiError, AzdoApiErrorCodes } from '../../azure/client/index.js';
import { tryParseAzureUrl } from '../../azure/urls.js';
import type { Connection } from '../connection.js';
import type { CheckRecorder } from './check-recorder.js';
import { DoctorCodes } from './doctor-codes.js';
import { isAzureDevOpsAnswer, type Probe } from './doctor-http.js';
import { answerOf } from './reachability-checks.js';

/** `GET {servicesUrl}/_apis/resourceAreas/{core}?accountName=` (FACTS §1.1). */
export interface ResourceArea {
  id?: string;
  name?: string;
  locationUrl?: string;
}

export interface ConnectionData {
  authenticatedUser?: { id?: string; providerDisplayName?: string; properties?: { Account?: { $value?: string } } };
  locationServiceData?: {
    defaultAccessMappingMoniker?: string;
    accessMappings?: Array<{ moniker?: string; displayName?: string; accessPoint?: string }>;
  };
}

export interface ApiLocations {
  value?: Array<{ area?: string; maxVersion?: string; releasedVersion?: string }> | null;
}

function notFoundHost(probe: Probe<unknown> | undefined): boolean {
  if (!probe || probe.ok) return false;
  const e = probe.error;
  return e instanceof AzdoApiError && e.status === 404 && (e.typeKey === undefined || e.typeKey === 'HostDoesNotExistException');
}

function where(connection: Connection): string {
  return connection.deployment.kind === 'services'
    ? `organization '${connection.deployment.organization}'`
    : `collection '${connection.deployment.collection}'`;
}

/**
 * Does the organization or collection exist? The anonymous probe answers before any credential is judged, so
 * "no such organization" is never mistaken for "bad token".
 */
export function organizationCheck(
  rec: CheckRecorder,
  connection: Connection,
  probes: { anonymous: Probe<unknown>; connectionData?: Probe<unknown> },
): boolean {
  const { anonymous, connectionData } = probes;
  const ms = Math.max(anonymous.ms, connectionData?.ms ?? 0);
  const services = connection.deployment.kind === 'services';
  const foreign = [anonymous, connectionData].map((p) => (p ? answerOf(p) : undefined)).find((a) => a !== undefined && !isAzureDevOpsAnswer(a.headers));
  if (foreign && !connectionData?.ok && !anonymous.ok) {
    rec.problem(
      'fail',
      'organization',
      DoctorCodes.notAzureDevOps,
      `${new URL(connection.url).host} answered (HTTP ${foreign.status}), but not as Azure DevOps: its answers lack Azure DevOps' headers.`,
      services
        ? 'Use the organization URL, https://dev.azure.com/{organization}.'
        : 'Use the collection URL exactly as Azure DevOps Server shows it, with the virtual directory if any: https://{server}[/tfs]/{collection}.',
      ms,
      { status: foreign.status },
    );
    return false;
  }
  const areaMissing = services && anonymous.ok && (anonymous.data === null || anonymous.data === undefined);
  if (notFoundHost(anonymous) || areaMissing || notFoundHost(connectionData)) {
    rec.problem(
      'fail',
      'organization',
      services ? DoctorCodes.organizationNotFound : DoctorCodes.collectionNotFound,
      services
        ? `Azure DevOps has no organization named '${connection.deployment.kind === 'services' ? connection.deployment.organization : ''}'.`
        : `The server has no project collection named '${connection.deployment.kind === 'server' ? connection.deployment.collection : ''}'.`,
      services
        ? 'Check the organization name in the connection URL (https://dev.azure.com/{organization}); https://aex.dev.azure.com lists the organizations your account belongs to.'
        : 'Check the collection name and virtual directory in the connection URL; the Azure DevOps Server Administration Console lists the collections.',
      ms,
    );
    return false;
  }
  if (anonymous.ok || connectionData?.ok) {
    rec.pass('organization', `The ${where(connection)} exists.`, ms);
    return true;
  }
  const unauthorized = [anonymous, connectionData].some((p) => p && !p.ok && p.error instanceof AzdoApiError && (p.error.status === 401 || p.error.code === AzdoApiErrorCodes.signInPage));
  if (unauthorized) {
    rec.skip('organization', `the server wants a valid credential before it says whether the ${where(connection)} exists.`);
    return true;
  }
  rec.error('organization', (anonymous as Extract<Probe<unknown>, { ok: false }>).error, ms, 'warn');
  return true;
}

function nameInUrl(url: string | undefined): string | undefined {
  if (!url) return undefined;
  const location = tryParseAzureUrl(url);
  if (!location) return undefined;
  const d = location.deployment;
  return d.kind === 'services' ? d.organization : d.collection;
}

/** Azure DevOps names the organization in its Core area URL; a different name means a rename or an alias. */
export function organizationNameCheck(rec: CheckRecorder, connection: Connection, area: Probe<ResourceArea | null>): void {
  if (connection.deployment.kind !== 'services') return;
  const ours = connection.deployment.organization;
  const theirs = area.ok ? nameInUrl(area.data?.locationUrl) : undefined;
  if (theirs === undefined) {
    rec.skip('organization-name', 'Azure DevOps did not name the organization\'s URL.');
    return;
  }
  if (theirs.toLowerCase() === ours.toLowerCase()) {
    rec.pass('organization-name', `Azure DevOps knows the organization by the name in the connection URL, '${theirs}'.`, area.ms);
    return;
  }
  const canonical = `https://dev.azure.com/${encodeURIComponent(theirs)}`;
  rec.problem(
    'warn',
    'organization-name',
    DoctorCodes.organizationNameMismatch,
    `Azure DevOps names this organization '${theirs}', but the connection URL says '${ours}'.`,
    `Change the connection URL to ${canonical}: the organization was probably renamed, and the URLs Azure DevOps sends (service hooks, links) use its current name.`,
    area.ms,
    { organization: theirs, locationUrl: area.ok ? area.data?.locationUrl : undefined },
  );
}

const RELEASES: ReadonlyArray<readonly [number, string]> = [
  [7.1, 'Azure DevOps Server 2022.1 or newer'],
  [7.0, 'Azure DevOps Server 2022'],
  [6.0, 'Azure DevOps Server 2020'],
  [5.0, 'Azure DevOps Server 2019'],
  [0, 'Team Foundation Server 2018 or older'],
];

/** The REST versions a Server speaks tell its release (2020 → 6.0, 2022 → 7.0, 2022.1 and later → 7.1). */
export function serverRelease(maxVersion: number): string {
  return (RELEASES.find(([v]) => maxVersion >= v) ?? RELEASES[RELEASES.length - 1]!)[1];
}

/**
 * Server only. Returns the api-version to use from now on ('7.0' or '7.1'), or undefined when the server is too old
 * (then nothing else is worth asking it).
 */
export function serverVersionCheck(rec: CheckRecorder, locations: Probe<ApiLocations>): { apiVersion?: string; refused: boolean } {
  if (!locations.ok) {
    rec.skip('server-version', `the server did not list its REST API versions (${locations.error.code}).`);
    return { refused: false };
  }
  const versions = (locations.data?.value ?? [])
    .map((l) => Number.parseFloat(String(l.maxVersion ?? '')))
    .filter((v) => Number.isFinite(v));
  if (versions.length === 0) {
    rec.problem(
      'warn',
      'server-version',
      DoctorCodes.serverVersionUnknown,
      'The server did not say which REST API versions it speaks.',
      'Check that the URL is the collection URL of Azure DevOps Server 2022 or newer.',
      locations.ms,
    );
    return { refused: false };
  }
  const max = Math.max(...versions);
  const release = serverRelease(max);
  if (max < 7.0) {
    rec.problem(
      'fail',
      'server-version',
      DoctorCodes.serverVersionUnsupported,
      `Azure DevOps Server 2022 or newer is required: this server speaks REST API ${max.toFixed(1)} at most, which makes it ${release}.`,
      'Upgrade the server to Azure DevOps Server 2022 or newer (REST API 7.0 and later): older releases lack APIs azdo-connect relies on, and are out of mainstream support.',
      locations.ms,
      { maxApiVersion: max.toFixed(1), release },
    );
    return { refused: true };
  }
  const apiVersion = max >= 7.1 ? '7.1' : '7.0';
  rec.pass('server-version', `${release} (REST API ${apiVersion}).`, locations.ms, { maxApiVersion: max.toFixed(1), release });
  return { apiVersion, refused: false };
}

function isLoopback(hostname: string): boolean {
  const h = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h.endsWith('.localhost') || /^127\./.test(h) || h === '::1' || h === '0.0.0.0';
}

/** The public URL a Server reports is what it writes into links, service hook payloads and clone URLs. */
export function publicUrlCheck(rec: CheckRecorder, connection: Connection, connectionData: Probe<ConnectionData>): void {
  if (!connectionData.ok) {
    rec.skip('public-url', 'the server reports its public URL only to an accepted credential.');
    return;
  }
  const data = connectionData.data?.locationServiceData;
  const moniker = data?.defaultAccessMappingMoniker ?? 'PublicAccessMapping';
  const mapping = data?.accessMappings?.find((m) => m.moniker === moniker) ?? data?.accessMappings?.[0];
  let reported: URL | undefined;
  try {
    reported = mapping?.accessPoint ? new URL(mapping.accessPoint) : undefined;
  } catch {
    reported = undefined;
  }
  if (!reported) {
    rec.pass('public-url', 'The server did not report a public URL to compare.', connectionData.ms);
    return;
  }
  const ours = new URL(connection.url);
  const details = { publicUrl: reported.toString() };
  const hint =
    'In the Azure DevOps Server Administration Console, Application Tier > Change Public URL, set the URL users reach the server by (the one this connection uses); links, clone URLs and service hook payloads are built from it.';
  if (reported.origin === ours.origin) {
    rec.pass('public-url', `The server's public URL matches the connection URL (${reported.origin}).`, connectionData.ms, details);
  } else if (isLoopback(reported.hostname)) {
    rec.problem(
      'warn',
      'public-url',
      DoctorCodes.publicUrlLocalhost,
      `The server reports its public URL as ${reported.origin}, a name that means "this machine" to every client: its public URL is misconfigured.`,
      hint,
      connectionData.ms,
      details,
    );
  } else {
    rec.problem(
      'warn',
      'public-url',
      DoctorCodes.publicUrlMismatch,
      `The server reports its public URL as ${reported.origin}, but this connection reaches it at ${ours.origin}.`,
      `If ${reported.origin} is the server's real address, use it in the connection; otherwise correct the server's public URL. ${hint}`,
      connectionData.ms,
      details,
    );
  }
}
