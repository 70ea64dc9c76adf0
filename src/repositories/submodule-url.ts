// Where a submodule's repository is, from the URL `.gitmodules` gives for it: relative URLs (`../shared-lib`, the
// form Azure DevOps users write so that HTTPS and SSH clones both work) resolve against the URL of the repository
// holding the link, as `git submodule` resolves them.

/** `./x` and `../x` are relative; anything else is a URL (or an scp-like `user@host:path`) on its own. */
export function isRelativeSubmoduleUrl(url: string): boolean {
  return url.startsWith('./') || url.startsWith('../');
}

/**
 * git's rule: each leading `../` removes the last path segment of the base, `./` removes nothing. Undefined when the
 * `../` climb out of the base's path, past its host.
 */
export function resolveSubmoduleUrl(url: string, base: string): string | undefined {
  if (!isRelativeSubmoduleUrl(url)) return url;
  const origin = /^[a-z][a-z0-9+.-]*:\/\/[^/]*/i.exec(base)?.[0];
  if (origin === undefined) return undefined;
  const segments = base.slice(origin.length).split('/').filter((s) => s !== '');
  let rest = url;
  for (;;) {
    if (rest.startsWith('./')) rest = rest.slice(2);
    else if (rest.startsWith('../')) {
      if (segments.length === 0) return undefined;
      segments.pop();
      rest = rest.slice(3);
    } else break;
  }
  rest = rest.replace(/\/+$/, '');
  if (rest === '' || rest === '.' || rest === '..') return undefined;
  return [origin, ...segments, rest].join('/');
}
