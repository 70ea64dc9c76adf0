import { startSimulator } from '../../simulator/index.js';

export interface SimulatorCommandOptions {
  port: number;
  sshPort: number;
  host: string;
  data?: string;
  seed: string;
  pageSize: number;
  tls?: boolean;
}

/** Starts the simulator, prints the ready line, and stops cleanly on Ctrl-C or SIGTERM. */
export async function runSimulator(o: SimulatorCommandOptions): Promise<void> {
  let simulator;
  try {
    simulator = await startSimulator({
      port: o.port,
      sshPort: o.sshPort,
      host: o.host,
      seed: o.seed,
      pageSize: o.pageSize,
      ...(o.data ? { dataDir: o.data } : {}),
      ...(o.tls ? { tls: true } : {}),
    });
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    const hint =
      e.code === 'EADDRINUSE'
        ? 'Another program uses that port: pick another with --port/--ssh-port, or 0 for a free one.'
        : 'Check the options and the seed file.';
    process.stderr.write(`azdo-connect simulator: ${e.message}\n${hint}\n`);
    process.exitCode = 1;
    return;
  }
  process.stdout.write(`${JSON.stringify(simulator.ready)}\n`);
  const stop = (): void => {
    void simulator.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
