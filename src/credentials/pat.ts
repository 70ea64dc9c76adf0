import { createHash } from 'node:crypto';
import { AzdoError } from '../errors/azdo-error.js';

export const PAT_INVALID = 'AZDO_PAT_INVALID';

const CREATE_HINT =
  'Paste only the token Azure DevOps showed once when you created it (User settings > Personal access tokens). ' +
  'If you no longer have it, create a new one there.';

function invalid(message: string, hint: string): AzdoError {
  return new AzdoError(PAT_INVALID, message, hint);
}

/**
 * Cleans up a pasted PAT and refuses what cannot be one, explaining each mistake. The length is not checked:
 * classic PATs have 52 characters, those made since July 2024 have 84 (FACTS §3.1), and the next format may differ.
 * Messages never repeat the input: whatever was pasted may be a secret.
 */
export function normalizePat(input: string): string {
  // A PAT copied from a terminal or a file usually carries a trailing newline; a BOM comes with some editors.
  const token = input.replace(/^\uFEFF/, '').trim();
  if (token === '') throw invalid('The personal access token is empty.', CREATE_HINT);

  if (/^authorization\s*:/i.test(token)) {
    throw invalid('This is a whole Authorization header, not a personal access token.', `Paste only the token itself, without "Authorization:". ${CREATE_HINT}`);
  }
  const scheme = /^(basic|bearer)\s+\S/i.exec(token);
  if (scheme) {
    const name = scheme[1]!.toLowerCase() === 'basic' ? 'Basic' : 'Bearer';
    throw invalid(
      `This is an HTTP "${name} ..." authorization value, not a personal access token.`,
      name === 'Basic'
        ? `A Basic value encodes the token with base64; paste the token itself instead. ${CREATE_HINT}`
        : `Bearer tokens are short-lived Entra ID tokens; use a service principal credential for those, or paste a PAT. ${CREATE_HINT}`,
    );
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(token) || /^([^\s/@]+@)?[a-z0-9-]+(\.[a-z0-9-]+)+(:\d+)?\//i.test(token)) {
    throw invalid(
      'This is a URL, not a personal access token.',
      `A clone or organization URL goes in the connection's URL field; a URL with a token inside it should not be used at all. ${CREATE_HINT}`,
    );
  }
  if (/^(["'`]).*\1$/.test(token)) {
    throw invalid('The personal access token is wrapped in quotes.', 'Remove the quotes around the token and paste it again.');
  }
  if (/\s/.test(token)) {
    throw invalid(
      'The personal access token contains spaces or line breaks.',
      `A PAT is one word of letters and digits. Copy it again without surrounding text. ${CREATE_HINT}`,
    );
  }
  if (/[^\x21-\x7e]/.test(token)) {
    throw invalid(
      'The personal access token contains characters that are not plain ASCII (such as typographic quotes, accents or invisible characters).',
      `Copy the token again from where you saved it, in a plain-text editor if possible. ${CREATE_HINT}`,
    );
  }
  if (/^eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(token)) {
    throw invalid(
      'This is an Entra ID access token (a JWT), not a personal access token; it expires within about an hour.',
      `For unattended access with Entra ID use a service principal credential; otherwise paste a PAT. ${CREATE_HINT}`,
    );
  }
  return token;
}

/** A short, stable tag for showing which token is stored ("…a1b2c3"): a hash prefix, never a piece of the token. */
export function patFingerprint(token: string): string {
  return `…${createHash('sha256').update(token, 'utf8').digest('hex').slice(0, 6)}`;
}
