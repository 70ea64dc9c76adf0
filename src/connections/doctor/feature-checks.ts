import { randomBytes, randomUUID } from 'node:crypto';
import { AzdoApiError, type AzdoClient } from '../../azure/client/index.js';
import type { ServiceEndpoints } from '../../azure/endpoints.js';
import type { Connection } from '../connection.js';
import type { CheckRecorder } from './check-recorder.js';
import { DoctorCodes } from './doctor-codes.js';
import type { DoctorHttp, Probe } from './doctor-http.js';
import type { FeatureAccess } from './doctor-types.js';

type Feature = keyof FeatureAccess;

interface FeatureInfo {
  id: string;
  label: string;
  /** The scope as the PAT page names it, and its OAuth name. */
  scope: string;
  vso: string;
  /** What a service principal needs instead: Azure DevOps checks its permissions, not scopes. */
  permission: string;
  purpose: string;
  required?: boolean;
}

// Listed in the order they are reported. Each says what the feature is for, as the products azdo-connect replaces
// explain their optional scopes, so a user can decide to leave one out.
const FEATURES: Record<Feature, FeatureInfo> = {
  readCode: {
    id: 'read-code',
    label: 'read code',
    scope: 'Code (Read)',
    vso: 'vso.code',
    permission: 'the Read permission on the repositories (project Readers have it)',
    purpose: 'list repositories, mirror them and read their commits',
    required: true,
  },
  writeCode: {
    id: 'write-code',
    label: 'write code',
    scope: 'Code (Read & write)',
    vso: 'vso.code_write',
    permission: 'the Contribute permission on the repositories (project Contributors have it)',
    purpose: 'push branches and create or complete pull requests',
  },
  builds: {
    id: 'builds',
    label: 'read builds',
    scope: 'Build (Read)',
    vso: 'vso.build',
    permission: 'the View builds permission (project Readers have it)',
    purpose: 'show build and pipeline results next to commits and pull requests',
  },
  workItems: {
    id: 'work-items',
    label: 'read work items',
    scope: 'Work Items (Read)',
    vso: 'vso.work',
    permission: 'the View work items permission of the area paths (project Readers have it)',
    purpose: 'link commits and pull requests to work items',
  },
  serviceHooks: {
    id: 'service-hooks',
    label: 'use service hooks',
    scope: 'Service Hooks (Read & write)',
    vso: 'vso.hooks_write',
    permission: 'the Edit subscriptions permission of service hooks (project administrators have it)',
    purpose: 'receive pushes and pull requests the moment they happen instead of polling for them',
  },
};

export const FEATURE_CHECK_IDS: readonly string[] = Object.values(FEATURES).map((f) => f.id);

interface Repository {
  id: string;
  name: string;
  isDisabled?: boolean;
  project?: { id: string; name?: string };
}

interface List<T> {
  count?: number;
  value?: T[];
}

function allowed(probe: Probe<unknown>): boolean | undefined {
  if (probe.ok) return true;
  const e = probe.error;
  return e instanceof AzdoApiError && (e.status === 401 || e.status === 403) ? false : undefined;
}

export interface FeatureInputs {
  connection: Connection;
  endpoints: ServiceEndpoints;
  http: DoctorHttp;
  client: AzdoClient;
  apiVersion: string;
  tokensPage: string;
  repositoriesInUse?: number;
}

/** Audit lives on its own host for Azure DevOps Services (FACTS §2.15); elsewhere (the simulator) under the org. */
function auditPath(i: FeatureInputs): string {
  const d = i.connection.deployment;
  const base = new URL(i.endpoints.servicesUrl);
  if (d.kind === 'services' && base.hostname === 'dev.azure.com') {
    return `https://auditservice.dev.azure.com/${encodeURIComponent(d.organization)}/_apis/audit/auditlog`;
  }
  return '_apis/audit/auditlog';
}

/**
 * Which features the credential allows, each found with the cheapest request that needs its scope: org-level
 * listings where they exist, `$top=1` elsewhere, and for writing a ref update that cannot change anything.
 */
export async function featureChecks(rec: CheckRecorder, i: FeatureInputs, features: FeatureAccess): Promise<void> {
  const { http, client, apiVersion } = i;
  const services = i.connection.deployment.kind === 'services';
  const [repos, workItems, hooks, audit] = await Promise.all([
    http.probe<List<Repository>>(client, 'GET', '_apis/git/repositories', { apiVersion }),
    http.probe<unknown>(client, 'GET', '_apis/wit/fields', { apiVersion }),
    http.probe<unknown>(client, 'GET', '_apis/hooks/subscriptions', { apiVersion }),
    // Azure DevOps Server has no audit log; on Services only a full-access token tends to hold vso.auditlog.
    services ? http.probe<unknown>(client, 'GET', auditPath(i), { apiVersion: '7.1-preview.1', query: { batchSize: 1 } }) : undefined,
  ]);
  const list = repos.ok ? (repos.data?.value ?? []) : [];
  const usable = list.find((r) => !r.isDisabled) ?? list[0];

  const writeProbe = async (): Promise<Probe<unknown> | undefined> => {
    if (allowed(repos) !== true) return undefined;
    // Deleting a branch that does not exist changes nothing, yet needs the write scope. Without a repository, a
    // random id still passes the scope check (then 404) or fails it (401).
    const name = `refs/heads/azdo-connect-probe-${randomBytes(6).toString('hex')}`;
    const body = [{ name, oldObjectId: randomBytes(20).toString('hex'), newObjectId: '0'.repeat(40) }];
    return http.probe(client, 'POST', `_apis/git/repositories/${encodeURIComponent(usable?.id ?? randomUUID())}/refs`, { apiVersion, body });
  };
  const buildProbe = async (): Promise<Probe<unknown> | undefined> => {
    let project = usable?.project?.id;
    if (project === undefined) {
      const projects = await http.probe<List<{ id: string }>>(client, 'GET', '_apis/projects', { apiVersion, query: { $top: 1 } });
      project = projects.ok ? projects.data?.value?.[0]?.id : undefined;
    }
    if (project === undefined) return undefined;
    return http.probe(client, 'GET', `${encodeURIComponent(project)}/_apis/build/definitions`, { apiVersion, query: { $top: 1 } });
  };
  const [write, builds] = await Promise.all([writeProbe(), buildProbe()]);

  const results: Record<Feature, { probe?: Probe<unknown>; allowed?: boolean; unknownWhy?: string }> = {
    readCode: { probe: repos, allowed: allowed(repos) },
    writeCode: write
      ? { probe: write, allowed: write.ok || (write.error instanceof AzdoApiError && write.error.status === 404) ? true : allowed(write) }
      : allowed(repos) === false
        ? { allowed: false }
        : { unknownWhy: 'the repositories could not be listed, so writing could not be tried' },
    builds: builds ? { probe: builds, allowed: allowed(builds) } : { unknownWhy: 'no project is visible to this credential, so there was nothing to ask about builds' },
    workItems: { probe: workItems, allowed: allowed(workItems) },
    serviceHooks: { probe: hooks, allowed: allowed(hooks) },
  };

  const sp = i.connection.credential.type === 'servicePrincipal';
  for (const [feature, info] of Object.entries(FEATURES) as Array<[Feature, FeatureInfo]>) {
    const r = results[feature];
    const ms = r.probe?.ms ?? 0;
    if (r.allowed === true) {
      features[feature] = true;
      rec.pass(info.id, sp ? `The service principal can ${info.label}.` : `The token can ${info.label}: it has ${info.scope}.`, ms, { scope: info.vso });
    } else if (r.allowed === false) {
      features[feature] = false;
      const need = info.required ? 'azdo-connect needs it to' : 'Optional: it lets azdo-connect';
      const message = sp
        ? `The service principal may not ${info.label}: it lacks ${info.permission}.`
        : `The token cannot ${info.label}: it lacks the scope ${info.scope} (${info.vso}).`;
      const hint = sp
        ? `${need} ${info.purpose}. Grant the service principal ${info.permission}.`
        : `${need} ${info.purpose}. Edit the token at ${i.tokensPage} to add ${info.scope}, then test again.`;
      rec.problem(info.required ? 'fail' : 'warn', info.id, DoctorCodes.scopeMissing, message, hint, ms, { scope: info.vso });
    } else {
      const why = r.unknownWhy ?? (r.probe && !r.probe.ok ? `${r.probe.error.code}: ${r.probe.error.message}` : 'no answer');
      rec.problem(
        'warn',
        info.id,
        DoctorCodes.featureUnknown,
        `Whether the credential can ${info.label} could not be told: ${why}`,
        'Test again; if this persists, the server may not offer this API (check its version) or answered unexpectedly.',
        ms,
      );
    }
  }

  accessBreadthCheck(rec, i, { repositories: repos.ok ? list.length : undefined, audit });
}

/** Broad credentials are warned about: full access, or reach far beyond what the connection uses. */
function accessBreadthCheck(
  rec: CheckRecorder,
  i: FeatureInputs,
  seen: { repositories?: number; audit?: Probe<unknown> },
): void {
  const sp = i.connection.credential.type === 'servicePrincipal';
  const ms = seen.audit?.ms ?? 0;
  const count = seen.repositories;
  const details = { ...(count !== undefined ? { repositories: count } : {}), ...(i.repositoriesInUse !== undefined ? { repositoriesInUse: i.repositoriesInUse } : {}) };
  if (seen.audit?.ok) {
    rec.problem(
      'warn',
      'access-breadth',
      DoctorCodes.fullAccess,
      sp
        ? 'The service principal can read the organization\'s audit log: it has organization administrator rights, far more than azdo-connect needs.'
        : `The token has full access (it can even read the organization's audit log)${count !== undefined ? ` and reaches ${count} repositories` : ''}: whoever obtains it can do anything its user can.`,
      sp
        ? 'Remove the service principal from Project Collection Administrators and grant it only the project permissions it needs (Readers, or Contributors to push).'
        : `Create a token with only the scopes azdo-connect needs (Code (Read), plus the optional ones above) at ${i.tokensPage}, or better, a token of a service account with Reader access to the projects this connection serves.`,
      ms,
      details,
    );
    return;
  }
  const inUse = i.repositoriesInUse;
  if (count !== undefined && inUse !== undefined && count > Math.max(10, 4 * inUse)) {
    rec.problem(
      'warn',
      'access-breadth',
      DoctorCodes.broadReach,
      `The credential reaches ${count} repositories, but the connection uses ${inUse}.`,
      'Use a service account with Reader access to only the projects this connection needs, and a token (or SSH key) of that account.',
      ms,
      details,
    );
    return;
  }
  const reach = count !== undefined ? `it reaches ${count} repositor${count === 1 ? 'y' : 'ies'}` : '';
  const message = seen.audit
    ? `The credential is not a full-access one${reach ? `; ${reach}` : ''}.`
    : `The credential ${reach ? reach.replace(/^it /, '') : 'was checked'} (Azure DevOps Server cannot tell a full-access token from a scoped one).`;
  rec.pass('access-breadth', message, ms, details);
}
