// One progress bar for the CLI's long commands (repo fetch, repo snapshot): cli-progress on stderr, only at a
// terminal, so piped output and --json stay clean. A new label starts the bar over.
import type { ArchiveProgress } from '../git/archive-progress.js';
import type { FetchProgress } from '../git/git-progress.js';
import type { CliOutput } from './cli-output.js';

export interface ProgressBar {
  /** git's phases of a fetch. */
  fetch(progress: FetchProgress): void;
  /** A snapshot's archive: files read of the tree's, once the tree is counted. */
  archive(progress: ArchiveProgress): void;
  stop(): void;
}

const FETCH_LABELS: Record<FetchProgress['phase'], string> = {
  counting: 'Counting',
  compressing: 'Compressing',
  receiving: 'Receiving',
  resolving: 'Resolving',
  checking: 'Checking',
  updating: 'Updating',
  other: 'Working',
};

export async function progressBar(out: CliOutput): Promise<ProgressBar | undefined> {
  if (out.json || process.stderr.isTTY !== true) return undefined;
  const { default: cliProgress } = await import('cli-progress');
  const bar = new cliProgress.SingleBar(
    { stream: process.stderr, format: '{phase} [{bar}] {percentage}% | {value}/{total}', hideCursor: true, clearOnComplete: true },
    cliProgress.Presets.shades_classic,
  );
  let shown: string | undefined;
  const show = (name: string, done: number, total: number): void => {
    const label = name.padEnd(11);
    if (shown !== label) {
      if (shown !== undefined) bar.stop();
      bar.start(Math.max(total, 1), done, { phase: label });
      shown = label;
    } else {
      bar.setTotal(Math.max(total, 1));
      bar.update(done, { phase: label });
    }
  };
  return {
    fetch: (p) => show(FETCH_LABELS[p.phase], p.done, p.total),
    archive: (p) => {
      if (p.totalFiles !== null) show('Archiving', p.files, p.totalFiles);
    },
    stop() {
      if (shown !== undefined) bar.stop();
      shown = undefined;
    },
  };
}
