// A removed connection's mirrors: the CLI and the service delete them the same way, so a removal never leaves
// gigabytes of bare repositories behind that nothing can fetch into or read from any more.
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { mirrorsRoot, type MirrorOptions } from './mirror-identity.js';

/** The folder holding every mirror of the connection (mirrors/{connectionId}/{repositoryId}.git and their locks). */
export function connectionMirrorsDir(o: MirrorOptions, connectionId: string): string {
  return path.join(mirrorsRoot(o), connectionId);
}

/**
 * Deletes the folder. Call it after the connection is gone (and, in the service, after its jobs were cancelled):
 * a fetch aborted a moment ago may still be closing files there, so rm retries.
 */
export async function deleteConnectionMirrors(o: MirrorOptions, connectionId: string): Promise<void> {
  await rm(connectionMirrorsDir(o, connectionId), { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
}
