// A simulator with one Services organization and one Server collection, and a fresh data directory per CLI test file.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { startSimulator } from '../../simulator/index.js';

export type Simulator = Awaited<ReturnType<typeof startSimulator>>;

export interface CliWorld {
  sim: Simulator;
  dir: string;
  dataDir: string;
  /** Environment for CLI runs: the data directory and the simulator standing in for Azure DevOps Services. */
  env: Record<string, string>;
  userId: string;
  /** A full-access PAT for fabrikam and DefaultCollection. */
  pat: string;
  /** Writes a file in the test's directory and returns its path. */
  file(name: string, content: string, mode?: number): Promise<string>;
  close(): Promise<void>;
}

export async function cliWorld(o: { pat?: string } = {}): Promise<CliWorld> {
  const sim = await startSimulator({ seed: 'empty' });
  await sim.control.createHost({ name: 'fabrikam' });
  await sim.control.createHost({ name: 'DefaultCollection', kind: 'server', serverVersion: '2022.1' });
  const user = await sim.control.createUser({ uniqueName: 'alice@example.com', hosts: ['fabrikam', 'DefaultCollection'] });
  await sim.control.createProject('fabrikam', { name: 'Fiber' });
  await sim.control.createRepository('fabrikam', 'Fiber', { name: 'web' });
  const { token } = await sim.control.createPat({ user: user.id, scope: 'app_token', ...(o.pat ? { token: o.pat } : {}) });
  const dir = await mkdtemp(path.join(os.tmpdir(), 'azdo-cli-'));
  const dataDir = path.join(dir, 'data');
  return {
    sim,
    dir,
    dataDir,
    env: { AZDO_CONNECT_DATA: dataDir, ...sim.env },
    userId: user.id,
    pat: token,
    async file(name, content, mode = 0o600) {
      const file = path.join(dir, name);
      await writeFile(file, content, { mode });
      return file;
    },
    async close() {
      await sim.stop();
      await rm(dir, { recursive: true, force: true, maxRetries: 5 });
    },
  };
}

/** Every row of the store, read straight from the SQLite file: what "the store is unchanged" compares. */
export function storeSnapshot(dataDir: string): string {
  let db: Database.Database;
  try {
    db = new Database(path.join(dataDir, 'azdo-connect.db'), { readonly: true, fileMustExist: true });
  } catch {
    return '(no database)';
  }
  try {
    const connections = db.prepare('select * from connections order by id').all();
    const secrets = db.prepare('select * from secrets order by id').all();
    return JSON.stringify({ connections, secrets });
  } finally {
    db.close();
  }
}
