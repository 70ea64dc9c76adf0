// `azdo-connect serve`, `demo` and `admin sign-in-link`: the service (REST API, web UI, jobs) and its operations.
import { InvalidArgumentError, type Command } from 'commander';
// Types only: erased when compiled, so they load nothing.
import type { DemoOptions } from './commands/demo.js';
import type { ServeOptions } from './commands/serve.js';
import { port } from './cli-arguments.js';

function email(value: string): string {
  if (!/^[^\s@]+@[^\s@]+$/.test(value.trim())) throw new InvalidArgumentError('must be an e-mail address');
  return value.trim();
}

const SERVICE_ENVIRONMENT = `
Environment (options win):
  PORT, HOST                   where to listen (default 8080 on 127.0.0.1; HOST=0.0.0.0 in a container)
  AZDO_CONNECT_PUBLIC_URL      the URL people open, used in sign-in links (default http://localhost:PORT)
  AZDO_CONNECT_DATA            data directory: SQLite database, secret key file, mirrors (default ./data)
  DATABASE_URL                 postgres://... to keep everything in PostgreSQL, jobs on pg-boss (several instances)
  AZDO_CONNECT_SECRET_KEY      the key that encrypts secrets (base64, 32 bytes); default: the data directory's secret.key
  AZDO_CONNECT_METRICS_TOKEN   when set, GET /metrics wants it as a Bearer token
  LOG_LEVEL                    fatal, error, warn, info (default), debug, trace or silent
See docs/service.md and docs/configuration.md.`;

export function registerService(program: Command): void {
  program
    .command('serve')
    .description('Run the service: REST API (/api/v1, reference at /api/docs), web UI, background jobs. Logs JSON lines; the first start prints the administrator\'s one-time sign-in link.')
    .option('--port <n>', 'port to listen on (default: PORT, else 8080; 0 picks a free port)', port)
    .option('--host <address>', 'address to listen on (default: HOST, else 127.0.0.1)')
    .option('--data <dir>', 'data directory (default: AZDO_CONNECT_DATA, else ./data)')
    .option('--public-url <url>', 'the URL people open (default: AZDO_CONNECT_PUBLIC_URL, else http://localhost:PORT)')
    .addHelpText('after', SERVICE_ENVIRONMENT)
    .action(async (options: ServeOptions) => {
      const { runServe } = await import('./commands/serve.js');
      await runServe(options);
    });

  program
    .command('demo')
    .description('Run the service against the simulator\'s demo organization, with a ready connection "fabrikam"; prints a sign-in link and the URLs. Its data stays under --data, apart from serve\'s.')
    .option('--port <n>', 'the service\'s port (default: PORT, else 8080; 0 picks a free port)', port)
    .option('--host <address>', 'address to listen on (default 127.0.0.1)')
    .option('--data <dir>', 'data directory of the demo: service and simulator (default ./data/demo)')
    .option('--public-url <url>', 'the URL people open (default http://localhost:PORT)')
    .option('--simulator-port <n>', 'the simulator\'s HTTP port (default: a free one)', port)
    .action(async (options: DemoOptions) => {
      const { runDemo } = await import('./commands/demo.js');
      await runDemo(options);
    });

  program
    .command('admin')
    .description('Administration of the service from its own machine.')
    .command('sign-in-link')
    .description('Print a fresh one-time sign-in link for an existing user, e.g. a locked-out administrator. Uses the service\'s data (AZDO_CONNECT_DATA or DATABASE_URL).')
    .requiredOption('--email <email>', 'the user\'s e-mail address', email)
    .option('--public-url <url>', 'the URL people open (default: AZDO_CONNECT_PUBLIC_URL, else http://localhost:PORT)')
    .option('--json', 'print the result as JSON')
    .action(async (options: { email: string; publicUrl?: string; json?: boolean }) => {
      const { runAdminSignInLink } = await import('./commands/admin-sign-in-link.js');
      await runAdminSignInLink(options);
    });
}
