// Snapshot archives on disk: their download names, and the sweep that deletes them after a day.
import { mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ensureSnapshotsDir, partialSnapshotFile, snapshotFile, snapshotFileName, snapshotsDir, sweepSnapshots } from '../../src/jobs/snapshot-files.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true, maxRetries: 5 });
});

describe('snapshotFileName', () => {
  it.each([
    ['app', 'main', 'app-main.tar.gz'],
    ['app', 'refs/heads/feature/x', 'app-feature-x.tar.gz'],
    ['app', 'tags/v1.2', 'app-tags-v1.2.tar.gz'],
    ['my repo', 'release/2026 "q4"', 'my-repo-release-2026-q4.tar.gz'],
    ['Ünïcode', '../../etc/passwd', 'Unicode-etc-passwd.tar.gz'],
    ['', '', 'snapshot.tar.gz'],
  ])('names %j at %j %j, safe for any file system', (repository, ref, expected) => {
    expect(snapshotFileName(repository, ref)).toBe(expected);
  });
});

describe('sweepSnapshots', () => {
  it('deletes archives and leftovers older than a day, and keeps newer ones and other files', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'azdo-snapshots-'));
    dirs.push(dataDir);
    await ensureSnapshotsDir(dataDir);
    const old = new Date(Date.now() - 25 * 3600_000);
    for (const file of [snapshotFile(dataDir, 'old'), partialSnapshotFile(dataDir, 'interrupted'), snapshotFile(dataDir, 'new'), path.join(snapshotsDir(dataDir), 'notes.txt')]) {
      await writeFile(file, 'x');
    }
    await utimes(snapshotFile(dataDir, 'old'), old, old);
    await utimes(partialSnapshotFile(dataDir, 'interrupted'), old, old);
    await utimes(path.join(snapshotsDir(dataDir), 'notes.txt'), old, old);

    expect(await sweepSnapshots(dataDir)).toBe(2);
    expect((await readdir(snapshotsDir(dataDir))).sort()).toEqual(['new.tar.gz', 'notes.txt']);
  });

  it('does nothing when no snapshot was ever made', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'azdo-snapshots-'));
    dirs.push(dataDir);
    expect(await sweepSnapshots(dataDir)).toBe(0);
  });
});
