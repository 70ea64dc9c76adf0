// The service as a browser meets it: startService() listening on a free port with a temporary data directory and
// the built web UI, optionally beside the demo simulator (then https://dev.azure.com/fabrikam is the simulator).
// The service's JSON log goes to test-output/e2e-logs/ so a failed walk can be read afterwards.
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { startService, type RunningService } from '../../src/server/start-service.js';
import { startSimulator, type RunningSimulator } from '../../simulator/index.js';
import { ROOT } from './browser.js';

export interface WebWorld {
  service: RunningService;
  /** Where the browser goes: the service's public URL (the host in sign-in links, so cookies match). */
  base: string;
  /** The administrator's one-time sign-in link. */
  signInUrl: string;
  sim?: RunningSimulator;
  /** alice's full-access PAT on the simulator. */
  pat?: string;
  close(): Promise<void>;
}

export async function webWorld(name: string, o: { simulator?: boolean } = {}): Promise<WebWorld> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), `azdo-e2e-${name}-`));
  const sim = o.simulator ? await startSimulator({ seed: 'demo' }) : undefined;
  const pat = sim?.ready.users.find((u) => u.name === 'alice@example.com')?.pats.find((p) => p.name === 'full')?.token;
  const env: NodeJS.ProcessEnv = { ...process.env, AZDO_CONNECT_SECRET_KEY: randomBytes(32).toString('base64'), ...(sim?.ready.env ?? {}) };
  // The embedded SQLite store in the temporary directory, whatever the developer's shell says.
  for (const key of ['DATABASE_URL', 'AZDO_CONNECT_DATA', 'AZDO_CONNECT_PUBLIC_URL', 'AZDO_CONNECT_ADMIN_EMAIL', 'HOST', 'PORT']) delete env[key];

  const logDir = path.join(ROOT, 'test-output', 'e2e-logs');
  await mkdir(logDir, { recursive: true });
  const log = createWriteStream(path.join(logDir, `${name}.log`));
  const out = new PassThrough();
  out.resume();
  let service: RunningService;
  try {
    service = await startService({ port: 0, dataDir, env, logDestination: log, out });
  } catch (error) {
    await sim?.stop();
    throw error;
  }
  if (!service.signInUrl) throw new Error('a new data directory has no users, so the first start makes a sign-in link');

  return {
    service,
    base: service.publicUrl,
    signInUrl: service.signInUrl,
    ...(sim ? { sim } : {}),
    ...(pat ? { pat } : {}),
    async close() {
      await service.close().catch(() => undefined);
      await sim?.stop().catch(() => undefined);
      log.end();
      await rm(dataDir, { recursive: true, force: true, maxRetries: 5 });
    },
  };
}
