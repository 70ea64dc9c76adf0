// The errors of access control. Codes are named so error-category.ts files them by family: AUTH_REQUIRED,
// SIGN_IN_LINK_* and API_TOKEN_* are 401; ACCESS_DENIED, CSRF_* and TOKEN_SCOPE_* are 403. Input mistakes end in
// _INVALID (400), missing things in _NOT_FOUND (404), clashes in _EXISTS/_TAKEN/_CONFLICT (409).
// Messages never quote a token.
import { AzdoError } from '../errors/azdo-error.js';

export const AUTH_REQUIRED = 'AZDO_AUTH_REQUIRED';
export const SIGN_IN_LINK_INVALID = 'AZDO_SIGN_IN_LINK_INVALID';
export const API_TOKEN_INVALID = 'AZDO_API_TOKEN_INVALID';
export const ACCESS_DENIED = 'AZDO_ACCESS_DENIED';
export const TOKEN_SCOPE_INSUFFICIENT = 'AZDO_TOKEN_SCOPE_INSUFFICIENT';
export const CSRF_TOKEN_MISSING = 'AZDO_CSRF_TOKEN_MISSING';
export const CSRF_TOKEN_INVALID = 'AZDO_CSRF_TOKEN_INVALID';
export const USER_NOT_FOUND = 'AZDO_USER_NOT_FOUND';
export const MEMBER_NOT_FOUND = 'AZDO_MEMBER_NOT_FOUND';
export const MEMBER_EXISTS = 'AZDO_MEMBER_EXISTS';
export const MEMBER_LAST_ADMIN_CONFLICT = 'AZDO_MEMBER_LAST_ADMIN_CONFLICT';
export const MEMBER_EMAIL_INVALID = 'AZDO_MEMBER_EMAIL_INVALID';
export const MEMBER_NAME_INVALID = 'AZDO_MEMBER_NAME_INVALID';
export const WORKSPACE_NAME_INVALID = 'AZDO_WORKSPACE_NAME_INVALID';
export const WORKSPACE_NAME_TAKEN = 'AZDO_WORKSPACE_NAME_TAKEN';
export const TOKEN_NAME_INVALID = 'AZDO_TOKEN_NAME_INVALID';
export const TOKEN_EXPIRY_INVALID = 'AZDO_TOKEN_EXPIRY_INVALID';
export const TOKEN_NOT_FOUND = 'AZDO_TOKEN_NOT_FOUND';
/** Not AZDO_TOKEN_SCOPE_*: that family means 403. */
export const SCOPE_INVALID = 'AZDO_SCOPE_INVALID';
export const ROLE_INVALID = 'AZDO_ROLE_INVALID';

export function authRequired(message = 'Sign in to use this service.'): AzdoError {
  return new AzdoError(
    AUTH_REQUIRED,
    message,
    'Open a sign-in link (an administrator can make one), or send an API token as "Authorization: Bearer <token>".',
  );
}

export function accessDenied(message: string, hint = 'Ask an administrator of the workspace for access.'): AzdoError {
  return new AzdoError(ACCESS_DENIED, message, hint);
}

export function signInLinkInvalid(): AzdoError {
  // One answer for unknown, used and expired links: the answer must not help anyone guess.
  return new AzdoError(
    SIGN_IN_LINK_INVALID,
    'This sign-in link is not valid: it was already used, has expired, or was replaced by a newer one.',
    'Ask an administrator for a new sign-in link; each link works once.',
  );
}

export function apiTokenInvalid(why: string): AzdoError {
  return new AzdoError(API_TOKEN_INVALID, `The API token is not valid: ${why}.`, 'Ask a workspace administrator for a new API token.');
}

export function scopeInsufficient(needed: string, has: string): AzdoError {
  return new AzdoError(
    TOKEN_SCOPE_INSUFFICIENT,
    `This API token's scope is ${has}; this request needs ${needed}.`,
    `Use a token with the ${needed} scope (a workspace administrator can create one).`,
    { needed, scope: has },
  );
}

export function invalidField(code: string, field: string, message: string, hint: string): AzdoError {
  return new AzdoError(code, message, hint, { field });
}
