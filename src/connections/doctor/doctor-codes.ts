/**
 * The doctor's own codes; each is a row of docs/errors.md. Failures of requests keep the client's codes
 * (AZDO_NETWORK, AZDO_TLS_UNTRUSTED, AZDO_AUTH_EXPIRED, ...), so one problem has one code wherever it shows up.
 */
export const DoctorCodes = {
  ok: 'AZDO_OK',
  skipped: 'AZDO_CHECK_SKIPPED',
  proxyLoginPage: 'AZDO_PROXY_LOGIN_PAGE',
  notAzureDevOps: 'AZDO_NOT_AZURE_DEVOPS',
  organizationNotFound: 'AZDO_ORGANIZATION_NOT_FOUND',
  collectionNotFound: 'AZDO_COLLECTION_NOT_FOUND',
  organizationNameMismatch: 'AZDO_ORGANIZATION_NAME_MISMATCH',
  serverVersionUnsupported: 'AZDO_SERVER_VERSION_UNSUPPORTED',
  serverVersionUnknown: 'AZDO_SERVER_VERSION_UNKNOWN',
  publicUrlLocalhost: 'AZDO_SERVER_PUBLIC_URL_LOCALHOST',
  publicUrlMismatch: 'AZDO_SERVER_PUBLIC_URL_MISMATCH',
  credentialInvalid: 'AZDO_CREDENTIAL_INVALID',
  credentialExpiring: 'AZDO_CREDENTIAL_EXPIRING',
  scopeMissing: 'AZDO_SCOPE_MISSING',
  featureUnknown: 'AZDO_FEATURE_UNKNOWN',
  fullAccess: 'AZDO_CREDENTIAL_FULL_ACCESS',
  broadReach: 'AZDO_CREDENTIAL_BROAD_REACH',
  sshUnreachable: 'AZDO_SSH_UNREACHABLE',
  sshHostKeyMismatch: 'AZDO_SSH_HOST_KEY_MISMATCH',
  sshHostKeyUnconfirmed: 'AZDO_SSH_HOST_KEY_UNCONFIRMED',
  sshKeyRejected: 'AZDO_SSH_KEY_REJECTED',
  sshRepositoryNotFound: 'AZDO_SSH_REPOSITORY_NOT_FOUND',
  sshDisabled: 'AZDO_SSH_DISABLED',
  sshFailed: 'AZDO_SSH_FAILED',
  sshClientMissing: 'AZDO_SSH_CLIENT_MISSING',
} as const;

export type DoctorCode = (typeof DoctorCodes)[keyof typeof DoctorCodes];
