import { invalidUrl, quote } from './url-errors.js';

// Lone surrogates make encodeURIComponent throw a URIError; a name is text, so mend it rather than fail.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

function encode(text: string): string {
  return encodeURIComponent(text.replace(LONE_SURROGATE, '\uFFFD'));
}

/**
 * Encodes a name as one path segment so that parsing gives the same name back: a leading `_` would read as a route
 * (`_git`), a trailing `.git` would be stripped as the clone suffix and `.`/`..` would be collapsed by HTTP clients,
 * so those characters are %-escaped too.
 */
export function encodeSegment(name: string): string {
  let s = encode(name);
  if (s.startsWith('_')) s = `%5F${s.slice(1)}`;
  if (s === '.' || s === '..') return s.replaceAll('.', '%2E');
  if (/\.git$/i.test(s)) s = `${s.slice(0, -4)}%2E${s.slice(-3)}`;
  return s;
}

/** Query values keep `/` readable (`?path=/src/app.ts`); everything else that could end the value is escaped. */
export function encodeQueryValue(value: string): string {
  return encode(value).replaceAll('%2F', '/');
}

const ESCAPE_HINT = 'Copy the URL again from Azure DevOps, or write a literal "%" as "%25".';

/**
 * Decodes a path segment; a malformed %-escape means the URL is broken, so it becomes our typed error. `echo` is
 * false for text from the userinfo, which may be a token.
 */
export function decodeSegment(raw: string, what: string, echo = true): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw invalidUrl(`The ${what}${echo ? ` ${quote(raw)}` : ''} contains a malformed %-escape.`, ESCAPE_HINT);
  }
}

/** Like decodeSegment, but never echoes the value: a query string is no place we can vouch for. */
export function decodeQueryValue(raw: string, parameter: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw invalidUrl(`The "${parameter}" parameter of the URL contains a malformed %-escape.`, ESCAPE_HINT);
  }
}

export function equalsIgnoreCase(a: string | undefined, b: string): boolean {
  return a !== undefined && a.toLowerCase() === b.toLowerCase();
}
