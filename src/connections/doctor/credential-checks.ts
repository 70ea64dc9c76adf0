import { AzdoApiError, AzdoApiErrorCodes } from '../../azure/client/index.js';
import type { AzdoError } from '../../errors/azdo-error.js';
import type { Connection } from '../connection.js';
import type { CheckRecorder } from './check-recorder.js';
import { DoctorCodes } from './doctor-codes.js';
import type { Probe } from './doctor-http.js';
import type { ConnectionData } from './organization-checks.js';
import { answerOf } from './reachability-checks.js';

/** Azure DevOps mails a reminder 7 days before a PAT expires; two weeks gives time to plan the swap. */
const EXPIRY_WARNING_MS = 14 * 86_400_000;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function day(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toISOString().slice(0, 10);
}

function credentialName(connection: Connection): string {
  return connection.credential.type === 'servicePrincipal' ? 'service principal' : 'personal access token';
}

export interface CredentialInputs {
  connection: Connection;
  /** `{organization URL}/_usersSettings/tokens`, in the URL the user knows. */
  tokensPage: string;
  /** A credential that could not even be used (SP settings, SP on Server). */
  unusable?: AzdoError;
  connectionData?: Probe<ConnectionData>;
  /** Services + service principal: the anonymous HEAD whose X-VSS-ResourceTenant names the organization's tenant. */
  tenantProbe?: Probe<unknown>;
  now?: number;
}

/** Was the credential accepted? Returns false when it was not, and the checks that need it are skipped. */
export function credentialCheck(rec: CheckRecorder, i: CredentialInputs): boolean {
  const { connection } = i;
  const credential = connection.credential;
  if (i.unusable) {
    rec.error('credential', i.unusable, 0);
    return false;
  }
  const probe = i.connectionData;
  if (!probe) return false;
  const expiresAt = credential.type === 'pat' ? credential.expiresAt : undefined;
  if (probe.ok) {
    const user = probe.data?.authenticatedUser;
    const account = user?.properties?.Account?.$value;
    const who = user?.providerDisplayName ? ` as ${user.providerDisplayName}${account && account !== user.providerDisplayName ? ` (${account})` : ''}` : '';
    const details = { ...(user?.id ? { userId: user.id } : {}), ...(expiresAt ? { expiresAt } : {}) };
    const left = expiresAt === undefined ? undefined : Date.parse(expiresAt) - (i.now ?? Date.now());
    if (left !== undefined && left < EXPIRY_WARNING_MS && left > 0) {
      rec.problem(
        'warn',
        'credential',
        DoctorCodes.credentialExpiring,
        `Azure DevOps accepted the ${credentialName(connection)}${who}, but it expires on ${day(expiresAt!)}, in ${Math.ceil(left / 86_400_000)} day(s).`,
        `Create a new token (or extend this one) at ${i.tokensPage} and update the connection's credential before then.`,
        probe.ms,
        details,
      );
    } else {
      rec.pass('credential', `Azure DevOps accepted the ${credentialName(connection)}${who}.`, probe.ms, details);
    }
    return true;
  }

  const error = probe.error;
  if (error.code === AzdoApiErrorCodes.expired) {
    rec.error('credential', error, probe.ms, 'fail', {
      message: expiresAt
        ? `The personal access token has expired: it was valid until ${day(expiresAt)}.`
        : 'The personal access token has expired.',
      hint: `Create a new token (or regenerate this one) at ${i.tokensPage} and update the connection's credential.`,
    });
    return false;
  }
  if (error.code === AzdoApiErrorCodes.principalNotAdded) {
    const orgTenant = i.tenantProbe ? answerOf(i.tenantProbe)?.headers['x-vss-resourcetenant'] : undefined;
    const ours = credential.type === 'servicePrincipal' ? credential.tenantId : undefined;
    const otherTenant = orgTenant && ours && GUID.test(ours) && orgTenant.toLowerCase() !== ours.toLowerCase();
    rec.error('credential', error, probe.ms, 'fail', {
      message: otherTenant
        ? `The service principal is not in this organization (TF401444): the organization is connected to Entra tenant ${orgTenant}, and the service principal belongs to tenant ${ours}.`
        : `The service principal has not been added to this organization (TF401444): Entra ID issued it a token, but Azure DevOps does not know it.`,
      hint: otherTenant
        ? 'Use an app registration of the organization\'s tenant, or connect the organization to the principal\'s tenant (Organization settings > Microsoft Entra); then add the principal under Organization settings > Users.'
        : 'An organization administrator adds the service principal under Organization settings > Users (with Basic access for Repos), and to the projects it needs; then test again.',
    });
    return false;
  }
  const invalid =
    error.code === AzdoApiErrorCodes.signInPage ||
    (error instanceof AzdoApiError && error.code === AzdoApiErrorCodes.unauthorized && error.tfCode !== 'VS30063');
  if (invalid && credential.type === 'pat') {
    // connectionData needs no scope, so a 401 there says the token itself is wrong for this organization.
    rec.problem(
      'fail',
      'credential',
      DoctorCodes.credentialInvalid,
      'Azure DevOps did not accept the personal access token: the token is not valid for this organization.',
      `Check that the token was copied whole, has not been revoked, and was created for this organization (or for all accessible organizations); create one at ${i.tokensPage}.`,
      probe.ms,
      error instanceof AzdoApiError ? { status: error.status, ...(error.tfCode ? { tfCode: error.tfCode } : {}) } : undefined,
    );
    return false;
  }
  if (invalid) {
    rec.problem(
      'fail',
      'credential',
      DoctorCodes.credentialInvalid,
      'Azure DevOps did not accept the service principal\'s token for this organization.',
      'Check that the organization is connected to the principal\'s Entra tenant (Organization settings > Microsoft Entra) and that the principal was added under Organization settings > Users.',
      probe.ms,
    );
    return false;
  }
  rec.error('credential', error, probe.ms);
  return false;
}
