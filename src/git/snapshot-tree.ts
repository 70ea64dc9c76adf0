// What a snapshot with submodules reads before writing anything: the commit's submodule links and special files
// (one `git ls-tree`), its `.azdoignore` rules and its `.gitmodules`, as git itself parses them.
import ignore, { type Ignore } from 'ignore';
import { gitBytes, splitNul } from './git-bytes.js';

export const IGNORE_FILE = '.azdoignore';
const GITMODULES = '.gitmodules';

export interface TreeEntry {
  /** '100644', '100755', '120000' (symbolic link) or '160000' (submodule link). */
  mode: string;
  oid: string;
  path: string;
}

export interface TreeListing {
  /** Files and symbolic links: everything but submodule links (the total of a snapshot's progress). */
  files: number;
  /** Submodule links (gitlinks): the pinned commit is `oid`. */
  links: TreeEntry[];
  /** The root `.azdoignore` and `.gitmodules`, when they are files. */
  ignoreFile?: TreeEntry;
  gitmodules?: TreeEntry;
}

/** A commit's submodule links, `.azdoignore`, `.gitmodules` and count of files, from one listing of the whole tree. */
export async function listTree(gitDir: string, commit: string, env?: Record<string, string>): Promise<TreeListing> {
  const output = await gitBytes(['ls-tree', '-r', '-z', '--full-tree', commit], { gitDir, ...(env ? { env } : {}) });
  const listing: TreeListing = { files: 0, links: [] };
  for (const record of splitNul(output)) {
    // "<mode> SP <type> SP <oid> TAB <path>"
    const tab = record.indexOf(9);
    const [mode = '', , oid = ''] = record.toString('latin1', 0, tab).split(' ');
    const entry: TreeEntry = { mode, oid, path: record.toString('utf8', tab + 1) };
    if (mode === '160000') {
      listing.links.push(entry);
      continue;
    }
    listing.files++;
    if (mode === '100644' || mode === '100755') {
      if (entry.path === IGNORE_FILE) listing.ignoreFile = entry;
      else if (entry.path === GITMODULES) listing.gitmodules = entry;
    }
  }
  return listing;
}

/**
 * gitignore rules, matched as git matches them on Linux: case-sensitive, a directory pattern (`build/`) leaves out
 * everything below it, and `!` cannot bring back a file whose directory is left out.
 */
export function ignoreRules(text: string): Ignore {
  return ignore({ ignorecase: false, allowRelativePaths: true }).add(text);
}

/** Submodule links are directories in a checkout, so `vendor/lib/` names them as well as `vendor/lib` does. */
export function isIgnored(rules: Ignore | undefined, entry: TreeEntry, prefix: string): boolean {
  if (rules === undefined) return false;
  const name = `${prefix}${entry.path}`;
  return rules.ignores(entry.mode === '160000' ? `${name}/` : name);
}

/** Objects by id, through one `git cat-file --batch`; small objects only, as each is held whole. */
export async function readObjects(gitDir: string, ids: readonly string[], env?: Record<string, string>): Promise<Map<string, Buffer>> {
  const output = await gitBytes(['cat-file', '--batch'], { gitDir, input: ids.map((id) => `${id}\n`).join(''), ...(env ? { env } : {}) });
  const objects = new Map<string, Buffer>();
  let at = 0;
  for (const id of ids) {
    const eol = output.indexOf(10, at);
    const header = output.toString('latin1', at, eol).split(' ');
    at = eol + 1;
    if (header[1] === 'missing' || header[1] === 'ambiguous') continue;
    const size = Number(header[2]);
    objects.set(id, output.subarray(at, at + size));
    at += size + 1;
  }
  return objects;
}

/** `path -> url` from a `.gitmodules` blob, read by git's own config parser (quoting, escapes, comments). */
export async function submoduleUrls(gitDir: string, blob: string, env?: Record<string, string>): Promise<Map<string, string>> {
  let output: Buffer;
  try {
    output = await gitBytes(['config', '-z', `--blob=${blob}`, '--get-regexp', '^submodule\\..*\\.(path|url)$'], { gitDir, ...(env ? { env } : {}) });
  } catch {
    // Exit 1 means no entry; a .gitmodules git cannot parse configures nothing either, and each link is reported.
    return new Map();
  }
  const byName = new Map<string, { path?: string; url?: string }>();
  for (const record of splitNul(output)) {
    const text = record.toString('utf8');
    const eol = text.indexOf('\n');
    const key = eol === -1 ? text : text.slice(0, eol);
    const value = eol === -1 ? '' : text.slice(eol + 1);
    const dot = key.lastIndexOf('.');
    const name = key.slice('submodule.'.length, dot);
    const entry = byName.get(name) ?? {};
    if (key.slice(dot + 1) === 'path') entry.path = value;
    else entry.url = value;
    byName.set(name, entry);
  }
  const urls = new Map<string, string>();
  for (const { path, url } of byName.values()) {
    if (path !== undefined && url !== undefined) urls.set(path.replace(/\/+$/, ''), url);
  }
  return urls;
}

/** The URL without a password: `.gitmodules` may carry one, and reports and errors are shown and logged. */
export function withoutPassword(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)([^/@:]*):[^/@]*@/i, '$1$2@');
}
