// The azdo-connect command line. Commands load their modules only when run, so `--help` stays fast: this file and the
// register-<noun>.ts files it calls import nothing but commander (and types, erased when compiled).
import { Command, CommanderError } from 'commander';
import { registerConnection } from './register-connection.js';
import { registerKeys } from './register-keys.js';
import { registerRepositories } from './register-repositories.js';
import { registerService } from './register-service.js';
import { registerSimulator } from './register-simulator.js';

const json = process.argv.includes('--json');

const program = new Command('azdo-connect')
  .description('Connect any product to Azure DevOps: connections, repositories, the service (REST API and web UI) and a local Azure DevOps simulator.')
  .showHelpAfterError()
  // Set before the commands are added, so every command inherits them: usage errors exit 2 (docs/cli.md), and with
  // --json they become one JSON error on stdout instead of text on stderr.
  .exitOverride()
  .configureOutput({
    writeErr: (text) => {
      if (!json) process.stderr.write(text);
    },
  });

// The order here is the order of `--help`.
registerSimulator(program);
registerConnection(program);
registerKeys(program);
registerRepositories(program);
registerService(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (!(error instanceof CommanderError)) throw error;
  // Help and --version end here too, with exit code 0; every other commander error is a usage error.
  process.exitCode = error.exitCode === 0 ? 0 : 2;
  if (json && error.exitCode !== 0) {
    const message = error.message.replace(/^error: /, '');
    const hint = 'Run the command with --help to see its arguments and options.';
    process.stdout.write(`${JSON.stringify({ error: { code: 'AZDO_CLI_USAGE', message, hint } }, null, 2)}\n`);
  }
}
