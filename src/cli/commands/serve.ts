import { startService } from '../../server/start-service.js';
import { runCommand } from '../cli-output.js';

export interface ServeOptions {
  port?: number;
  host?: string;
  data?: string;
  publicUrl?: string;
}

/** Runs the service until SIGTERM or Ctrl-C; logs go to stdout as JSON lines, the first start's sign-in link too. */
export async function runServe(o: ServeOptions): Promise<void> {
  await runCommand({}, async () => {
    await startService({
      ...(o.port !== undefined ? { port: o.port } : {}),
      ...(o.host !== undefined ? { host: o.host } : {}),
      ...(o.data !== undefined ? { dataDir: o.data } : {}),
      ...(o.publicUrl !== undefined ? { publicUrl: o.publicUrl } : {}),
      handleSignals: true,
    });
  });
}
