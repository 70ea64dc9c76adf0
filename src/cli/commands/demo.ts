// `azdo-connect demo`: the service against the simulator's demo world, with a ready connection, in one command.
// Everything lives under one data directory (default ./data/demo), apart from the data `serve` uses, so a demo
// never mixes with real connections; run it again and it picks up where it left off.
import path from 'node:path';
import { startSimulator, type RunningSimulator } from '../../../simulator/index.js';
import { AzdoError } from '../../errors/azdo-error.js';
import { signInBanner, startService, type RunningService } from '../../server/start-service.js';
import { DEFAULT_WORKSPACE_ID } from '../../store/default-workspace.js';
import { runCommand } from '../cli-output.js';

export interface DemoOptions {
  port?: number;
  host?: string;
  data?: string;
  publicUrl?: string;
  simulatorPort?: number;
}

export const DEMO_CONNECTION = 'fabrikam';
export const DEMO_ADMIN_EMAIL = 'admin@example.com';
const DEMO_USER = 'alice@example.com';

/** The demo's connection: fabrikam with alice's full-access PAT, added (and tested) once. */
async function ensureConnection(service: RunningService, sim: RunningSimulator): Promise<void> {
  const pat = sim.ready.users.find((u) => u.name === DEMO_USER)?.pats.find((p) => p.name === 'full')?.token;
  if (!pat) throw new Error(`the demo seed has no full-access PAT for ${DEMO_USER}`);
  const connections = service.ctx.connectionsFor(DEFAULT_WORKSPACE_ID);
  const exists = await connections.describeConnection(DEMO_CONNECTION).then(
    () => true,
    (error: unknown) => {
      if (error instanceof AzdoError && error.code.endsWith('_NOT_FOUND')) return false;
      throw error;
    },
  );
  if (exists) return;
  await connections.addConnection({
    name: DEMO_CONNECTION,
    description: 'The simulator\'s demo organization, as alice (full access).',
    url: `https://dev.azure.com/${DEMO_CONNECTION}`,
    credential: { type: 'pat', token: pat },
  });
  // Tested, so it shows as working from the first screen.
  await connections.testConnection(DEMO_CONNECTION);
}

/** The administrator's e-mail: the demo's own, or whoever a first `serve` over this data directory created. */
async function adminEmail(service: RunningService): Promise<string> {
  const admin = await service.ctx.store.db
    .selectFrom('users')
    .select('email')
    .where('is_admin', '=', 1)
    .where('disabled_at', 'is', null)
    .orderBy('created_at')
    .executeTakeFirst();
  return admin?.email ?? DEMO_ADMIN_EMAIL;
}

export async function runDemo(o: DemoOptions): Promise<void> {
  await runCommand({}, async () => {
    const dataDir = path.resolve(o.data ?? path.join('data', 'demo'));
    const sim = await startSimulator({ seed: 'demo', dataDir: path.join(dataDir, 'simulator'), port: o.simulatorPort ?? 0, sshPort: 0 });
    let service: RunningService;
    try {
      const env = { ...process.env, ...sim.ready.env, AZDO_CONNECT_DATA: dataDir, AZDO_CONNECT_ADMIN_EMAIL: process.env.AZDO_CONNECT_ADMIN_EMAIL ?? DEMO_ADMIN_EMAIL };
      service = await startService({
        env,
        ...(o.port !== undefined ? { port: o.port } : {}),
        ...(o.host !== undefined ? { host: o.host } : {}),
        ...(o.publicUrl !== undefined ? { publicUrl: o.publicUrl } : {}),
      });
    } catch (error) {
      await sim.stop();
      throw error;
    }
    const stop = async (): Promise<void> => {
      await service.close();
      await sim.stop();
    };
    try {
      await ensureConnection(service, sim);
      // startService printed the link on the first start; a demo prints a fresh one every time.
      if (!service.signInUrl) process.stdout.write(signInBanner(await service.ctx.access.createSignInLink({ email: await adminEmail(service) })));
    } catch (error) {
      await stop();
      throw error;
    }
    process.stdout.write(
      [
        'azdo-connect demo is running:',
        `  web UI and API   ${service.publicUrl}   (API reference: ${service.publicUrl}/api/docs)`,
        `  simulator        ${sim.url}   (Azure DevOps; the connection "${DEMO_CONNECTION}" uses alice's PAT)`,
        `  data             ${dataDir}`,
        'Stop with Ctrl-C.',
        '',
      ].join('\n'),
    );
    let signals = 0;
    const onSignal = (): void => {
      signals += 1;
      if (signals > 1) process.exit(130);
      stop().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}
