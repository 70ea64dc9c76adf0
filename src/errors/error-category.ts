// What kind of failure an error is, decided in one place so the CLI's exit codes and the API's HTTP statuses always
// agree. Codes are grouped by rule (suffixes, families) so a new code lands in the right category without a list edit.
import { AzdoError } from './azdo-error.js';

export type ErrorCategory =
  /** The caller must say more (a command line or request that is ambiguous). */
  | 'usage'
  /** What the user typed or pasted is wrong. */
  | 'input'
  | 'not_found'
  /** Exists, but cannot be used through this connection right now (not selected, empty, disabled, ...). */
  | 'unavailable'
  | 'conflict'
  | 'cancelled'
  /** Signed out, expired or unknown credentials of azdo-connect itself (not of Azure DevOps). */
  | 'unauthenticated'
  | 'forbidden'
  | 'too_large'
  | 'rate_limited'
  /** Azure DevOps (or the way to it) failed or refused: the fix is on that side or in the connection. */
  | 'upstream'
  | 'unexpected';

export const UNEXPECTED = 'AZDO_UNEXPECTED';

const CATEGORY_OF: Record<string, ErrorCategory> = {
  AZDO_CLI_USAGE: 'usage',
  AZDO_REPOSITORY_AMBIGUOUS_CONNECTION: 'usage',
  AZDO_CONNECTION_NAME_TAKEN: 'conflict',
  AZDO_STORE_CONFLICT: 'conflict',
  AZDO_SSH_KEY_FILE_EXISTS: 'conflict',
  AZDO_MIRROR_BUSY: 'conflict',
  // The service's request errors (server/plugins/error-handling.ts) that neither end in _INVALID nor name a field.
  AZDO_BODY_MALFORMED: 'input',
  AZDO_MEDIA_TYPE_UNSUPPORTED: 'input',
  AZDO_BODY_ENCODING_UNSUPPORTED: 'input',
  AZDO_CLI_CANCELLED: 'cancelled',
  AZDO_CLI_CONFIRMATION_REQUIRED: 'cancelled',
  AZDO_REPOSITORY_NOT_SELECTED: 'unavailable',
  AZDO_REPOSITORY_EMPTY: 'unavailable',
  AZDO_REPOSITORY_DISABLED: 'unavailable',
  AZDO_REPOSITORY_NO_CONNECTION: 'unavailable',
  AZDO_SUBMODULE_OTHER_ORGANIZATION: 'unavailable',
  AZDO_SUBMODULE_FETCH_FAILED: 'unavailable',
  AZDO_SUBMODULE_NOT_CONFIGURED: 'unavailable',
  // A job's file is not there to download (yet, or any more): 409, like other things that exist but cannot be used now.
  AZDO_JOB_NOT_FINISHED: 'unavailable',
  AZDO_JOB_NO_DOWNLOAD: 'unavailable',
  AZDO_JOB_DOWNLOAD_EXPIRED: 'unavailable',
};

/** Codes about what the user typed or pasted, beyond those ending in _INVALID and those naming a field. */
const INPUT =
  /^AZDO_(URL_|PAT_|SSH_KEY_|SP_INPUT_|SP_SERVER_|HEADER_|TLS_CA_|CLI_SECRET_|CLI_FILE_|CLI_ENV_|PATH_IS_FOLDER$|REPOSITORY_CONNECTION_MISMATCH$|REPOSITORY_NEEDS_HTTP_CREDENTIAL$)/;

/** Families: azdo-connect's own sign-in, permissions and limits, then Azure DevOps' failures. */
const FAMILY: Array<[RegExp, ErrorCategory]> = [
  [/^AZDO_(AUTH_REQUIRED|SESSION_|SIGN_IN_LINK_|API_TOKEN_)/, 'unauthenticated'],
  [/^AZDO_(ACCESS_DENIED|CSRF_|TOKEN_SCOPE_)/, 'forbidden'],
  [/_TOO_LARGE$/, 'too_large'],
  [/^AZDO_RATE_LIMITED$/, 'rate_limited'],
  // The client's codes (azure/client/azdo-api-error.ts), except AZDO_NOT_FOUND, which is a plain not-found.
  [/^AZDO_(AUTH_(SIGN_IN_PAGE|EXPIRED|UNAUTHORIZED|PRINCIPAL_NOT_ADDED)|FORBIDDEN|THROTTLED|SERVER_ERROR|NETWORK|TIMEOUT|TLS_UNTRUSTED|BAD_RESPONSE|API_VERSION_UNSUPPORTED|REQUEST_REJECTED)$/, 'upstream'],
];

export function errorCategory(error: unknown): ErrorCategory {
  if (!(error instanceof AzdoError)) return 'unexpected';
  const code = error.code;
  const listed = CATEGORY_OF[code];
  if (listed) return listed;
  for (const [pattern, category] of FAMILY) if (pattern.test(code)) return category;
  if (code.endsWith('_NOT_FOUND')) return 'not_found';
  if (code.endsWith('_CONFLICT') || code.endsWith('_TAKEN') || code.endsWith('_EXISTS')) return 'conflict';
  if (error.details?.field !== undefined || code.endsWith('_INVALID') || INPUT.test(code)) return 'input';
  return 'unexpected';
}
