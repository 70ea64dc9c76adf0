// `azdo-connect simulator`: a local Azure DevOps for tests and demos.
import type { Command } from 'commander';
import { port, positive } from './cli-arguments.js';

export function registerSimulator(program: Command): void {
  program
    .command('simulator')
    .description('Run a local simulator of Azure DevOps Services and Server (REST, git over HTTP and SSH, Entra ID). Prints one line of JSON when ready.')
    .option('--port <n>', 'HTTP port (0 picks a free port)', port, 8081)
    .option('--ssh-port <n>', 'SSH port (0 picks a free port)', port, 2222)
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--data <dir>', 'state directory (default: a temporary directory removed on exit)')
    .option('--seed <seed>', "'demo', 'empty' or a YAML/JSON seed file; applied to a new state directory only", 'demo')
    .option('--page-size <n>', 'items per page when a client does not ask for a page size', positive, 10)
    .option('--tls', 'serve HTTPS with a certificate from a generated CA (its file is in the ready line)')
    .option('--json', 'accepted for symmetry: the ready line is always JSON')
    .action(async (options: { port: number; sshPort: number; host: string; data?: string; seed: string; pageSize: number; tls?: boolean }) => {
      const { runSimulator } = await import('./simulator-command.js');
      await runSimulator(options);
    });
}
