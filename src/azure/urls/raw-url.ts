import { EXPECTED_FORMS, invalidUrl, quote } from './url-errors.js';

/**
 * A URL split into its parts without interpreting them. We split by hand instead of using WHATWG `URL` because
 * `URL` lowercases the host (we keep `Fabrikam.visualstudio.com` as the user wrote it), cannot read scp-like SSH
 * (`git@host:v3/...`) and would re-encode paths we need raw to tell routes (`_git`) from names (`%5Fgit`).
 */
export interface RawUrl {
  scheme: 'http' | 'https' | 'ssh';
  /** The user name only, still %-encoded. The password is never kept. */
  user?: string;
  /** As written (case kept), IPv6 in brackets, trailing dot removed. */
  host: string;
  port?: number;
  /** Still %-encoded, empty segments dropped (so a trailing `/` or `//` changes nothing). */
  segments: string[];
  /** Lowercase names, raw values; query parameters win over fragment ones (`.../_git/repo/#version=GBmain`). */
  params: Map<string, string>;
}

const SCHEMED = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/(.*)$/s;
const SCP_LIKE = /^(?:([^@/:]+)@)?(\[[^\]]*\]|[^@/:[\]?#]+):(.*)$/s;
const HOST_NAME = /^[\p{L}\p{N}_-]+(?:\.[\p{L}\p{N}_-]+)*$/u;
const IPV6 = /^\[[0-9A-Fa-f:.]+\]$/;

function notAUrl(): never {
  // The text is not echoed: people paste tokens into URL fields by mistake.
  throw invalidUrl('This is not a URL.', EXPECTED_FORMS);
}

// Text copied from Markdown, mail or a shell often arrives wrapped: `<https://...>`, "https://...".
const WRAPPED = /^(?:<(.*)>|"(.*)"|'(.*)'|`(.*)`)$/s;

export function splitUrl(input: string): RawUrl {
  const trimmed = input.trim();
  const wrapped = WRAPPED.exec(trimmed);
  const text = wrapped ? (wrapped[1] ?? wrapped[2] ?? wrapped[3] ?? wrapped[4] ?? '').trim() : trimmed;
  if (text === '') throw invalidUrl('The URL is empty.', EXPECTED_FORMS);

  const schemed = SCHEMED.exec(text);
  if (schemed) {
    const scheme = schemeOf(schemed[1] ?? '');
    return splitHierarchical(scheme, schemed[2] ?? '');
  }
  if (/\s/.test(text)) notAUrl();

  const scp = SCP_LIKE.exec(text);
  if (scp) {
    const [, user, host = '', path = ''] = scp;
    // `host:8080/path` is a web address without its scheme, and so is `user:secret@host/path` (the colon belongs to
    // the userinfo); git reads `git@host:22/path` as scp-like, which is what we do with a user name.
    if (user === undefined && (/^\d*(?:[/?#]|$)/.test(path) || /^[^/?#]*@/.test(path))) {
      return splitHierarchical('https', text);
    }
    return splitScpLike(user, host, path);
  }
  const authority = text.split(/[/?#]/, 1)[0] ?? '';
  const hostPart = authority.slice(authority.lastIndexOf('@') + 1);
  if (hostPart.includes('.') || hostPart.toLowerCase() === 'localhost') return splitHierarchical('https', text);
  return notAUrl();
}

function schemeOf(raw: string): RawUrl['scheme'] {
  const scheme = raw.toLowerCase();
  if (scheme === 'http' || scheme === 'https') return scheme;
  if (scheme === 'ssh' || scheme === 'git+ssh' || scheme === 'ssh+git') return 'ssh';
  throw invalidUrl(
    `Azure DevOps cannot be reached with a ${quote(`${raw}://`)} URL.`,
    `Use an https:// or SSH URL. ${EXPECTED_FORMS}`,
  );
}

function splitHierarchical(scheme: RawUrl['scheme'], rest: string): RawUrl {
  const { beforeQuery, params } = splitQuery(rest);
  // Azure DevOps names never contain a raw "@", so the last "@" ends the userinfo even when an unescaped "/" in a
  // password would otherwise end the authority early and leave the password's tail in the path.
  const at = beforeQuery.lastIndexOf('@');
  const user = at >= 0 ? beforeQuery.slice(0, at).split(':', 1)[0] : undefined;
  const afterUser = at >= 0 ? beforeQuery.slice(at + 1) : beforeQuery;
  const slash = afterUser.indexOf('/');
  const hostPort = slash >= 0 ? afterUser.slice(0, slash) : afterUser;
  const path = slash >= 0 ? afterUser.slice(slash) : '';
  const { host, port } = splitHostPort(hostPort);
  return withUser({ scheme, host, ...(port === undefined ? {} : { port }), segments: segmentsOf(path), params }, user);
}

function splitScpLike(user: string | undefined, hostRaw: string, rest: string): RawUrl {
  const { beforeQuery, params } = splitQuery(rest);
  const { host } = splitHostPort(hostRaw);
  const segments = segmentsOf(beforeQuery);
  // Some tools write `git@host:22/tfs/...`; git itself would read "22" as a directory, but the intent is plain.
  let port: number | undefined;
  if (segments.length > 1 && /^\d{1,5}$/.test(segments[0] ?? '')) {
    port = checkPort(segments.shift() ?? '');
  }
  return withUser({ scheme: 'ssh', host, ...(port === undefined ? {} : { port }), segments, params }, user);
}

function withUser(raw: RawUrl, user: string | undefined): RawUrl {
  return user === undefined || user === '' ? raw : { ...raw, user };
}

function splitQuery(text: string): { beforeQuery: string; params: Map<string, string> } {
  const hash = text.indexOf('#');
  const fragment = hash >= 0 ? text.slice(hash + 1) : '';
  const noFragment = hash >= 0 ? text.slice(0, hash) : text;
  const question = noFragment.indexOf('?');
  const query = question >= 0 ? noFragment.slice(question + 1) : '';
  const beforeQuery = question >= 0 ? noFragment.slice(0, question) : noFragment;
  const params = new Map<string, string>();
  addParams(params, query);
  // Fragments like `#view=discussion` or older `#version=GBmain`; a leading "/" or "?" is routing noise.
  addParams(params, fragment.replace(/^[/?]+/, ''));
  return { beforeQuery, params };
}

function addParams(params: Map<string, string>, text: string): void {
  for (const pair of text.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const name = (eq >= 0 ? pair.slice(0, eq) : pair).toLowerCase();
    if (!params.has(name)) params.set(name, eq >= 0 ? pair.slice(eq + 1) : '');
  }
}

function splitHostPort(text: string): { host: string; port?: number } {
  let host = text;
  let portText: string | undefined;
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    host = close >= 0 ? text.slice(0, close + 1) : text;
    const after = close >= 0 ? text.slice(close + 1) : '';
    if (after.startsWith(':')) portText = after.slice(1);
    else if (after !== '') host = text;
  } else {
    const colon = text.lastIndexOf(':');
    if (colon >= 0) {
      host = text.slice(0, colon);
      portText = text.slice(colon + 1);
    }
  }
  if (host.endsWith('.')) host = host.slice(0, -1);
  // Neither the host nor the port is echoed: with a malformed userinfo they may be pieces of a token.
  if (host === '') throw invalidUrl('The URL has no host name.', EXPECTED_FORMS);
  if (!(IPV6.test(host) || HOST_NAME.test(host))) {
    throw invalidUrl('The URL\'s host name is not valid.', EXPECTED_FORMS);
  }
  if (portText === undefined || portText === '') return { host };
  return { host, port: checkPort(portText) };
}

function checkPort(text: string): number {
  const port = /^\d{1,5}$/.test(text) ? Number(text) : NaN;
  if (!(port >= 1 && port <= 65535)) {
    throw invalidUrl('The URL\'s port is not a number between 1 and 65535.', EXPECTED_FORMS);
  }
  return port;
}

function segmentsOf(path: string): string[] {
  return path.split('/').filter((s) => s !== '');
}
