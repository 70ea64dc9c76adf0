import { AzdoError } from '../../errors/azdo-error.js';

export const URL_INVALID = 'AZDO_URL_INVALID';
export const URL_UNSUPPORTED = 'AZDO_URL_UNSUPPORTED';

export const EXPECTED_FORMS =
  'Expected an Azure DevOps URL such as https://dev.azure.com/{organization}/{project}, ' +
  'https://dev.azure.com/{organization}/{project}/_git/{repository}, ' +
  'git@ssh.dev.azure.com:v3/{organization}/{project}/{repository} ' +
  'or, for Azure DevOps Server, https://{host}/{collection}/{project}.';

const MAX_ECHO = 80;

/**
 * Quotes one path segment for a message. Errors never echo the whole URL, its host, userinfo, query or fragment:
 * a token can hide in any of them (even as a user name), while a path segment comes after the userinfo.
 */
export function quote(segment: string): string {
  const cut = segment.length > MAX_ECHO ? `${segment.slice(0, MAX_ECHO)}…` : segment;
  return `"${cut}"`;
}

export function invalidUrl(message: string, hint: string): AzdoError {
  return new AzdoError(URL_INVALID, message, hint);
}

export function unsupportedUrl(message: string, hint: string): AzdoError {
  return new AzdoError(URL_UNSUPPORTED, message, hint);
}
