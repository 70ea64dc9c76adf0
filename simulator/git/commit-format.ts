import type { GitCommitInfo } from './git-repo.js';

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
