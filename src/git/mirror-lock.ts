// One fetch per mirror at a time, across processes: creating a file with O_EXCL (`open(..., 'wx')`) is atomic on local
// file systems and on NFS v3 and later, so the lock is a file beside the mirror. It names its owner, and its time stamp
// is refreshed while the fetch runs, so a lock left by a killed process is recognised (dead pid, or no heartbeat) and
// taken over. A file rather than a directory holding an owner file: taking and releasing it is one create and one
// unlink. Earlier versions made the lock a directory with `owner.json` in it; either kind excludes the other (the name
// is taken), and such a directory is still read and taken over.
import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm, stat, unlink, utimes, type FileHandle } from 'node:fs/promises';
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

async function readOwner(lock: string): Promise<Owner | undefined> {
  try {
    const text = await readFile(lock, 'utf8').catch((error: NodeJS.ErrnoException) =>
      // A lock taken by an earlier version: a directory with the owner inside.
      error.code === 'EISDIR' ? readFile(path.join(lock, OWNER_FILE), 'utf8') : Promise.reject(error),
    );
    return JSON.parse(text) as Owner;
  } catch {
    // Released meanwhile, or created and its owner not written yet.
    return undefined;
  }
}

/** Stale: its owner on this host is gone, or nobody refreshed it for `staleMs` (an owner on another host died). */
async function isStale(lock: string, staleMs: number): Promise<boolean> {
  const [owner, info] = await Promise.all([readOwner(lock), stat(lock).catch(() => undefined)]);
  if (!info) return false; // released meanwhile: just try again
  if (owner && owner.host === os.hostname() && owner.pid !== process.pid && !alive(owner.pid)) return true;
  return Date.now() - info.mtimeMs > staleMs;
}

function describe(owner: Owner | undefined): string | undefined {
  return owner ? `process ${owner.pid} on ${owner.host}, since ${owner.since}` : undefined;
}

export async function lockMirror(mirrorDir: string, o: MirrorLockOptions = {}): Promise<MirrorLock> {
  const lock = `${mirrorDir}.lock`;
  const waitMs = o.waitMs ?? 0;
  const staleMs = o.staleMs ?? 60_000;
  const started = Date.now();
  let tookOver = false;
  let announced = false;
  let handle: FileHandle;
  await mkdir(path.dirname(mirrorDir), { recursive: true, mode: 0o700 });
  for (;;) {
    try {
      handle = await open(lock, 'wx', 0o600);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    if (await isStale(lock, staleMs)) {
      // Renamed away first: of several processes noticing the same stale lock, only one rename succeeds.
      const aside = `${lock}.stale-${randomBytes(4).toString('hex')}`;
      if (await rename(lock, aside).then(() => true, () => false)) {
        await rm(aside, { recursive: true, force: true });
        tookOver = true;
      }
      continue;
    }
    const waited = Date.now() - started;
    if (waited >= waitMs) throw mirrorBusy(mirrorDir, describe(await readOwner(lock)), waitMs);
    if (!announced) {
      announced = true;
      o.onWait?.(describe(await readOwner(lock)));
    }
    await new Promise((r) => setTimeout(r, Math.min(o.pollMs ?? 100, waitMs - waited)));
  }

  const owner: Owner = { pid: process.pid, host: os.hostname(), since: new Date().toISOString() };
  try {
    await handle.writeFile(JSON.stringify(owner));
    await handle.close();
  } catch (error) {
    await handle.close().catch(() => undefined);
    await unlink(lock).catch(() => undefined);
    throw error;
  }
  const heartbeat = setInterval(() => {
    const now = new Date();
    utimes(lock, now, now).catch(() => undefined);
  }, o.heartbeatMs ?? Math.max(1000, staleMs / 4));
  heartbeat.unref();
  let released = false;
  return {
    tookOver,
    async release() {
      if (released) return;
      released = true;
      clearInterval(heartbeat);
      await unlink(lock).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'ENOENT') throw error;
      });
    },
  };
}
