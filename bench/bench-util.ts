import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import autocannon from 'autocannon';

export const ROOT = path.resolve(import.meta.dirname, '..');

export interface Figure {
  name: string;
  value: number;
  unit: string;
}

export interface Check {
  name: string;
  ratio?: number;
  value: number;
  /** Of `value`, for the summary (e.g. "ms"). */
  unit?: string;
  target: string;
  ok: boolean;
}

/** A check as the summary shows it: its ratio, or its value and unit. */
export function describeCheck(c: Check): string {
  return c.ratio === undefined ? `${c.value.toFixed(0)}${c.unit ? ` ${c.unit}` : ''}` : `${c.ratio.toFixed(2)}x`;
}

/** Starts a TypeScript server script in its own process and waits for its JSON ready line. */
export function startServer<T>(script: string, args: string[] = []): Promise<{ ready: T; child: ChildProcess; stop(): Promise<void> }> {
  return startCommand<T>(process.execPath, ['--import', 'tsx', path.join(ROOT, script), ...args]);
}

/** Starts a command that prints one JSON ready line, and waits for that line. */
export async function startCommand<T>(file: string, args: string[]): Promise<{ ready: T; child: ChildProcess; stop(): Promise<void> }> {
  const child = spawn(file, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code}`)));
  });
  return {
    ready: JSON.parse(line) as T,
    child,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGINT');
      }),
  };
}

/** Requests per second with autocannon on loopback: 10 connections, after a short warm-up. */
export async function throughput(url: string, headers: Record<string, string> = {}, seconds = 5): Promise<number> {
  await autocannon({ url, headers, connections: 10, duration: 1 });
  const result = await autocannon({ url, headers, connections: 10, duration: seconds });
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${url}: ${result.non2xx} non-2xx answers, ${result.errors} errors`);
  return result.requests.average;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function print(section: string, rows: Array<[string, string]>): void {
  process.stdout.write(`\n${section}\n`);
  const width = Math.max(...rows.map(([k]) => k.length));
  for (const [k, v] of rows) process.stdout.write(`  ${k.padEnd(width)}  ${v}\n`);
}
