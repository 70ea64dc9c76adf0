// One fetch per mirror at a time, across processes: `mkdir` is atomic on every local and network file system, so the
// lock is a directory beside the mirror. Its owner file names the process, and its time stamp is refreshed while the
// fetch runs, so a lock left by a killed process is recognised (dead pid, or no heartbeat) and taken over.
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { mirrorBusy } from './git-errors.js';

export interface MirrorLockOptions {
  /** How long to wait for another fetch to finish; 0 fails at once with AZDO_MIRROR_BUSY. */
  waitMs?: number;
  /** A lock whose heartbeat is older than this is stale. Default 60 s. */
  staleMs?: number;
  /** Time stamp refresh interval. Default staleMs / 4. */
  heartbeatMs?: number;
  /** Polling interval while waiting. Default 100 ms. */
  pollMs?: number;
  /** Told once when the lock is held by another fetch and this one starts waiting (e.g. to say so). */
  onWait?(owner: string | undefined): void;
}

export interface MirrorLock {
  /** True when the lock was taken over from a process that died holding it: its git may have left debris. */
  readonly tookOver: boolean;
  release(): Promise<void>;
}

interface Owner {
  pid: number;
  host: string;
  since: string;
}

const OWNER_FILE = 'owner.json';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function readOwner(lockDir: string): Promise<Owner | undefined> {
  try {
    return JSON.parse(await readFile(path.join(lockDir, OWNER_FILE), 'utf8')) as Owner;
  } catch {
    return undefined;
  }
}

/** Stale: its owner on this host is gone, or nobody refreshed it for `staleMs` (an owner on another host died). */
async function isStale(lockDir: string, staleMs: number): Promise<boolean> {
  const [owner, info] = await Promise.all([readOwner(lockDir), stat(lockDir).catch(() => undefined)]);
  if (!info) return false; // released meanwhile: just try again
  if (owner && owner.host === os.hostname() && owner.pid !== process.pid && !alive(owner.pid)) return true;
  return Date.now() - info.mtimeMs > staleMs;
}

function describe(owner: Owner | undefined): string | undefined {
  return owner ? `process ${owner.pid} on ${owner.host}, since ${owner.since}` : undefined;
}

export async function lockMirror(mirrorDir: string, o: MirrorLockOptions = {}): Promise<MirrorLock> {
  const lockDir = `${mirrorDir}.lock`;
  const waitMs = o.waitMs ?? 0;
  const staleMs = o.staleMs ?? 60_000;
  const started = Date.now();
  let tookOver = false;
  let announced = false;
  await mkdir(path.dirname(mirrorDir), { recursive: true, mode: 0o700 });
  for (;;) {
    try {
      await mkdir(lockDir, { mode: 0o700 });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    if (await isStale(lockDir, staleMs)) {
      // Renamed away first: of several processes noticing the same stale lock, only one rename succeeds.
      const aside = `${lockDir}.stale-${randomBytes(4).toString('hex')}`;
      if (await rename(lockDir, aside).then(() => true, () => false)) {
        await rm(aside, { recursive: true, force: true });
        tookOver = true;
      }
      continue;
    }
    const waited = Date.now() - started;
    if (waited >= waitMs) throw mirrorBusy(mirrorDir, describe(await readOwner(lockDir)), waitMs);
    if (!announced) {
      announced = true;
      o.onWait?.(describe(await readOwner(lockDir)));
    }
    await new Promise((r) => setTimeout(r, Math.min(o.pollMs ?? 100, waitMs - waited)));
  }

  const owner: Owner = { pid: process.pid, host: os.hostname(), since: new Date().toISOString() };
  await writeFile(path.join(lockDir, OWNER_FILE), JSON.stringify(owner), { mode: 0o600 });
  const heartbeat = setInterval(() => {
    const now = new Date();
    utimes(lockDir, now, now).catch(() => undefined);
  }, o.heartbeatMs ?? Math.max(1000, staleMs / 4));
  heartbeat.unref();
  let released = false;
  return {
    tookOver,
    async release() {
      if (released) return;
      released = true;
      clearInterval(heartbeat);
      await rm(lockDir, { recursive: true, force: true });
    },
  };
}
