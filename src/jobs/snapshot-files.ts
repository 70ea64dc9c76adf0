// Where snapshot jobs leave their archives ({data}/snapshots/{jobId}.tar.gz), the name a download is saved under,
// and the sweep that deletes archives after a day: a snapshot is a file to download now, not an archive to keep.
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { MaintenanceTask } from './queue-core.js';

export const SNAPSHOT_RETENTION_HOURS = 24;
const HOUR_MS = 3600_000;

export function snapshotsDir(dataDir: string): string {
  return path.join(dataDir, 'snapshots');
}

export function snapshotFile(dataDir: string, jobId: string): string {
  return path.join(snapshotsDir(dataDir), `${jobId}.tar.gz`);
}

/** Written under this name, renamed when complete: a download never sees half an archive. */
export function partialSnapshotFile(dataDir: string, jobId: string): string {
  return `${snapshotFile(dataDir, jobId)}.partial`;
}

export async function ensureSnapshotsDir(dataDir: string): Promise<void> {
  await mkdir(snapshotsDir(dataDir), { recursive: true, mode: 0o700 });
}

/** "app-with-submodule-main.tar.gz": the repository and ref, in characters every file system and browser accept. */
export function snapshotFileName(repository: string, ref: string): string {
  const safe = (text: string): string =>
    text
      .replace(/^refs\/(heads|tags)\//, '')
      // Accents dropped rather than the letters: "Über" → "Uber".
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .replace(/[^A-Za-z0-9._-]+/g, '-')
      .replace(/^[-.]+|-+$/g, '');
  const name = [safe(repository), safe(ref)].filter(Boolean).join('-') || 'snapshot';
  return `${name.slice(0, 150)}.tar.gz`;
}

/** Deletes archives (and leftovers of interrupted ones) older than `maxAgeMs`; returns how many. */
export async function sweepSnapshots(dataDir: string, maxAgeMs = SNAPSHOT_RETENTION_HOURS * HOUR_MS, now = Date.now()): Promise<number> {
  const dir = snapshotsDir(dataDir);
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw error;
  }
  let deleted = 0;
  for (const name of names) {
    if (!/\.tar\.gz(\.partial)?$/.test(name)) continue;
    const file = path.join(dir, name);
    const info = await stat(file).catch(() => undefined);
    if (info?.isFile() && now - info.mtimeMs > maxAgeMs) {
      await rm(file, { force: true });
      deleted++;
    }
  }
  return deleted;
}

/** The sweep as the queue runs it: at start, then every hour. */
export function snapshotSweepTask(dataDir: string): MaintenanceTask {
  return { name: 'snapshot sweep', everyMs: HOUR_MS, run: async () => void (await sweepSnapshots(dataDir)) };
}
