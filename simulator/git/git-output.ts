// Parsers for git's machine-readable output. Every format used is NUL-separated, so names, messages and
// paths may contain anything git itself accepts.
import type { GitCommitInfo, GitTreeEntry } from './git-types.js';
import { toItemPath } from './repo-input.js';

/**
 * One commit per record with `-z`: ten fields, each ended by NUL (the last one by -z's record terminator).
 * Names, e-mails and dates cannot hold NUL, and git refuses NUL in messages, so the split is unambiguous
 * whatever the text contains. %B is the message exactly as stored (Azure DevOps returns it that way too,
 * trailing newline included).
 */
export const COMMIT_FORMAT = '--format=%H%x00%T%x00%P%x00%an%x00%ae%x00%aI%x00%cn%x00%ce%x00%cI%x00%B';
const FIELDS = 10;

/**
 * Splits git's NUL-separated output into commits as chunks arrive. Bytes are decoded per field, so a
 * multi-byte character cut across two chunks is never mangled.
 */
export class CommitStreamParser {
  private pending: Buffer[] = [];
  private fields: string[] = [];

  constructor(private readonly onCommit: (c: GitCommitInfo) => void) {}

  push(chunk: Buffer): void {
    let start = 0;
    for (let nul = chunk.indexOf(0, start); nul !== -1; nul = chunk.indexOf(0, start)) {
      this.pending.push(chunk.subarray(start, nul));
      this.fields.push(Buffer.concat(this.pending).toString('utf8'));
      this.pending = [];
      start = nul + 1;
      if (this.fields.length === FIELDS) {
        this.onCommit(toCommit(this.fields));
        this.fields = [];
      }
    }
    if (start < chunk.length) this.pending.push(Buffer.from(chunk.subarray(start)));
  }

  /** Throws if git's output ended inside a record, which would mean the format and parser disagree. */
  end(): void {
    if (this.fields.length > 0 || this.pending.some((b) => b.length > 0)) {
      throw new Error(`git log output ended inside a commit record (${this.fields.length} fields read)`);
    }
  }
}

export function parseCommits(out: Buffer): GitCommitInfo[] {
  const commits: GitCommitInfo[] = [];
  const parser = new CommitStreamParser((c) => commits.push(c));
  parser.push(out);
  parser.end();
  return commits;
}

function toCommit(f: string[]): GitCommitInfo {
  const [commitId, treeId, parents, an, ae, ad, cn, ce, cd, message] = f as [
    string, string, string, string, string, string, string, string, string, string,
  ];
  return {
    commitId,
    treeId,
    parents: parents === '' ? [] : parents.split(' '),
    author: { name: an, email: ae, date: new Date(ad) },
    committer: { name: cn, email: ce, date: new Date(cd) },
    comment: message,
  };
}

/**
 * `git ls-tree -z -l` records ("<mode> <type> <id> <size>\t<path>"), with `prefix` put before each path so
 * that entries of a subtree get their full item path. Modes lose git's padding ("040000" -> "40000") to
 * match what tree objects store and the trees API shows.
 */
export function parseLsTree(out: Buffer, prefix: string): GitTreeEntry[] {
  const entries: GitTreeEntry[] = [];
  for (const record of out.toString('utf8').split('\0')) {
    if (record === '') continue;
    const tab = record.indexOf('\t');
    const [mode = '', type = '', objectId = '', size = '-'] = record.slice(0, tab).split(/ +/);
    const entry: GitTreeEntry = {
      path: toItemPath(prefix + record.slice(tab + 1)),
      objectId,
      gitObjectType: type as GitTreeEntry['gitObjectType'],
      mode: parseInt(mode, 8).toString(8),
    };
    if (type === 'blob' && size !== '-') entry.size = Number(size);
    entries.push(entry);
  }
  return entries;
}

/** `git ls-files -s -z` records ("<mode> <id> <stage>\t<path>") as path -> entry. */
export function parseLsFiles(out: Buffer): Map<string, { mode: string; objectId: string }> {
  const entries = new Map<string, { mode: string; objectId: string }>();
  for (const record of out.toString('utf8').split('\0')) {
    if (record === '') continue;
    const tab = record.indexOf('\t');
    const [mode = '', objectId = ''] = record.slice(0, tab).split(' ');
    entries.set(record.slice(tab + 1), { mode, objectId });
  }
  return entries;
}
