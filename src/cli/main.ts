// The azdo-connect command line. Commands load their modules only when run, so `--help` stays fast.
import { Command, InvalidArgumentError } from 'commander';

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('must be a port number from 0 to 65535 (0 picks a free port)');
  return n;
}

function positive(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a positive integer');
  return n;
}

const program = new Command('azdo-connect')
  .description('Connect any product to Azure DevOps: connections, repositories and a local Azure DevOps simulator.')
  .showHelpAfterError();

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
  .action(async (options: { port: number; sshPort: number; host: string; data?: string; seed: string; pageSize: number; tls?: boolean }) => {
    const { runSimulator } = await import('./simulator-command.js');
    await runSimulator(options);
  });

await program.parseAsync(process.argv);
