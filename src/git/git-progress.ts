// git's `--progress` lines ("Receiving objects:  45% (9/20), 1.20 MiB | 2.00 MiB/s") read into steps a progress bar
// can show. git rewrites a line with \r as it goes, so input is split on both \r and \n.

export type FetchPhase = 'counting' | 'compressing' | 'receiving' | 'resolving' | 'checking' | 'updating' | 'other';

export interface FetchProgress {
  phase: FetchPhase;
  /** git's own words, e.g. "Receiving objects". */
  label: string;
  /** 0 to 100. */
  percent: number;
  done: number;
  total: number;
}

const LINE = /^(?:remote:\s*)?([A-Za-z][A-Za-z ]*?):\s+(\d{1,3})% \((\d+)\/(\d+)\)/;

function phaseOf(label: string): FetchPhase {
  const word = label.split(' ')[0]!.toLowerCase();
  switch (word) {
    case 'counting':
    case 'compressing':
    case 'receiving':
    case 'resolving':
    case 'checking':
    case 'updating':
      return word;
    default:
      return 'other';
  }
}

/** Feeds on stderr chunks and returns the progress steps they complete; repeats of the same step are dropped. */
export class ProgressParser {
  #pending = '';
  #last = '';

  push(chunk: string): FetchProgress[] {
    const text = this.#pending + chunk;
    const parts = text.split(/[\r\n]/);
    this.#pending = parts.pop() ?? '';
    const steps: FetchProgress[] = [];
    for (const line of parts) {
      const match = LINE.exec(line.trim());
      if (!match) continue;
      const [, label, percent, done, total] = match as unknown as [string, string, string, string, string];
      const key = `${label}:${percent}`;
      if (key === this.#last) continue;
      this.#last = key;
      steps.push({ phase: phaseOf(label), label, percent: Math.min(100, Number(percent)), done: Number(done), total: Number(total) });
    }
    return steps;
  }
}
