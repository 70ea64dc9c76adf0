// How far a snapshot's archive has got, for a progress bar: files read from `git archive` against the files the
// tree holds. The total comes from `git ls-tree` run beside the archive (a first pass), or from the listings a planned
// pass made anyway. Files, not bytes: counting bytes would need every blob's size, which a partial mirror would have
// to fetch from the server first.
import { spawnGit } from './git-bytes.js';

export interface ArchiveProgress {
  phase: 'archiving';
  /**
   * 0 to 100, whole numbers that never go back within an archive; null until the total is known. 100 once the
   * archive is complete. A snapshot with submodules may start over at 0 once it has fetched them.
   */
  percent: number | null;
  /** Files and symbolic links read from the tree so far, those `.azdoignore` leaves out included. */
  files: number;
  /** All of them, submodules' included (export-ignore'd files too, which git archive never passes); null until counted. */
  totalFiles: number | null;
}

/** How often progress is reported while the total is unknown; once it is, on each whole percent. */
const UNKNOWN_TOTAL_EVERY_MS = 100;

/** Throttles one archive's progress: about a hundred calls whatever the tree's size. */
export class ArchiveProgressMeter {
  /** Set once counted. */
  total: number | null = null;
  #percent = -1;
  #lastAt = -Infinity;

  constructor(private readonly report: (progress: ArchiveProgress) => void) {}

  /** The archive starts: the phase is news even before anything was read. */
  start(): void {
    this.#emit(this.total === null ? null : 0, 0);
  }

  /** Called as the archive streams by (per chunk, not per file). */
  update(files: number): void {
    if (this.total === null) {
      if (performance.now() - this.#lastAt >= UNKNOWN_TOTAL_EVERY_MS) this.#emit(null, files);
      return;
    }
    // 100 waits for the end of compression and the file's rename.
    const percent = Math.min(99, Math.floor((files * 100) / Math.max(this.total, 1)));
    if (percent > this.#percent) this.#emit(percent, files);
  }

  /** The archive is complete. */
  finish(files: number): void {
    this.#emit(100, files, this.total ?? files);
  }

  #emit(percent: number | null, files: number, totalFiles = this.total): void {
    if (percent !== null) this.#percent = percent;
    this.#lastAt = performance.now();
    this.report({ phase: 'archiving', percent, files, totalFiles });
  }
}

/**
 * Counts a commit's files and symbolic links (`git ls-tree -r --name-only`, one NUL per entry) beside the archive.
 * Only for a tree without submodule links, whose listing would count them too; the first pass stops at any link.
 * Resolves undefined when git fails: the archive reports the same failure in its own words.
 */
export function countTreeFiles(gitDir: string, commit: string, env?: Record<string, string>): { total: Promise<number | undefined>; stop(): void } {
  const { child, exited } = spawnGit(['ls-tree', '-r', '-z', '--full-tree', '--name-only', commit], { gitDir, ...(env ? { env } : {}) });
  child.stdin.end();
  let count = 0;
  child.stdout.on('data', (chunk: Buffer) => {
    for (let at = chunk.indexOf(0); at !== -1; at = chunk.indexOf(0, at + 1)) count++;
  });
  const total = exited.then(
    () => count,
    () => undefined,
  );
  return {
    total,
    stop: () => {
      if (child.exitCode === null) child.kill();
    },
  };
}
