// A static map rather than a folder scan, so a bundled CLI (one file, no migrations folder) still finds them.
// Names sort by date: Kysely runs them in name order and refuses a database that ran one this build lacks.
import type { Migration } from 'kysely';
import * as initial from './2026-11-22-0001-initial.js';
import * as repositorySelection from './2026-11-22-0002-repository-selection.js';
import * as mirrors from './2026-11-22-0003-mirrors.js';
import * as service from './2026-11-22-0004-service.js';
import * as connectionStamps from './2026-11-22-0005-connection-stamps.js';
import * as rateLimits from './2026-11-22-0006-rate-limits.js';
import * as sshPort from './2026-11-23-0007-ssh-port.js';

export const migrations: Record<string, Migration> = {
  '2026-11-22-0001-initial': initial,
  '2026-11-22-0002-repository-selection': repositorySelection,
  '2026-11-22-0003-mirrors': mirrors,
  '2026-11-22-0004-service': service,
  '2026-11-22-0005-connection-stamps': connectionStamps,
  '2026-11-22-0006-rate-limits': rateLimits,
  '2026-11-23-0007-ssh-port': sshPort,
};
