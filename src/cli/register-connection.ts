// `azdo-connect connection ...`: add, list, show, test, edit and remove connections.
import { Option, type Command } from 'commander';
// Types only: erased when compiled, so they load nothing.
import type { ConnectionAddOptions } from './commands/connection-add.js';
import type { ConnectionEditOptions } from './commands/connection-edit.js';
import type { ConnectionTestOptions } from './commands/connection-test.js';
import { collect, positive, sshPort } from './cli-arguments.js';

const ENVIRONMENT = `
Environment:
  AZDO_CONNECT_DATA        data directory (SQLite database and secret key file), default ./data
  DATABASE_URL             postgres://... to keep connections in PostgreSQL instead
  AZDO_CONNECT_SECRET_KEY  the key that encrypts secrets (base64, 32 bytes); default: the data directory's secret.key

Secrets are read from files (--pat-file), environment variables (--pat-env) or a hidden prompt, never from option
values. Exit codes: 0 ok, 1 unexpected error, 2 usage error, 3 invalid input, 4 not found, 5 conflict,
6 connection test failed, 7 cancelled. See docs/cli.md.`;

/** The options `add` and `edit` share: credential, headers, TLS, SSH. */
function connectionOptions(command: Command): Command {
  return command
    .option('--description <text>', 'what the connection is for')
    .option('--label <label>', 'a label (repeat, or separate with commas)', collect)
    .addOption(new Option('--kind <kind>', 'services or server: checked against the URL').choices(['services', 'server']))
    .addOption(new Option('--credential <type>', 'which credential to ask for at the prompt').choices(['pat', 'ssh', 'service-principal']))
    .option('--pat-file <file>', 'read the personal access token from this file')
    .option('--pat-env <variable>', 'read the personal access token from this environment variable (give its name)')
    .option('--pat-expires <date>', "the PAT's expiry date, e.g. 2026-03-14 (Azure DevOps cannot be asked)")
    .option('--ssh-key-file <file>', 'an existing RSA private key (OpenSSH, PEM or PKCS#8)')
    .option('--ssh-key-env <variable>', 'read the RSA private key from this environment variable')
    .option('--ssh-key-passphrase-file <file>', "read the private key's passphrase from this file (used once, not stored)")
    .option('--ssh-key-passphrase-env <variable>', "read the private key's passphrase from this environment variable")
    .option('--ssh-key-registered <date>', 'when the public key was added to Azure DevOps (keys expire a year later)')
    .option('--generate-ssh-key', 'generate a new RSA 4096 key; prints the public key to add to Azure DevOps')
    .option('--ssh-key-out <file>', 'with --generate-ssh-key: where to write the private key (0600; never overwritten)')
    .option('--ssh-key-comment <text>', 'with --generate-ssh-key: the public key comment')
    .option('--tenant-id <id>', 'service principal: the Directory (tenant) ID')
    .option('--client-id <id>', 'service principal: the Application (client) ID')
    .option('--client-secret-file <file>', 'service principal: read the client secret from this file')
    .option('--client-secret-env <variable>', 'service principal: read the client secret from this environment variable')
    .option('--authority <url>', 'service principal: the Entra ID authority (default https://login.microsoftonline.com)')
    .option('--header <header>', "a custom HTTP header, 'Name: value' (not secret; repeat for more)", collect)
    .option('--secret-header-file <spec>', "a secret custom header, 'Name=file' with the value in the file", collect)
    .option('--secret-header-env <spec>', "a secret custom header, 'Name=VARIABLE' with the value in the variable", collect)
    .option('--secret-header-prompt <name>', 'a secret custom header whose value is asked at the prompt', collect)
    .option('--ca-file <file>', 'Server: a PEM CA bundle to trust for TLS (TLS checks are never turned off)')
    .option('--ssh-port <n>', 'Server: the SSH port (default 22)', sshPort)
    .option('--known-hosts-file <file>', "Server: known_hosts lines pinning the server's SSH host keys")
    .option('--trust-host-key <fingerprint>', 'when testing: pin an unknown SSH host key only if it is this SHA256:... fingerprint')
    .option('-y, --yes', 'when testing: pin an unknown SSH host key without asking')
    .option('--json', 'print the result as JSON (errors too)');
}

export function registerConnection(program: Command): void {
  const connection = program.command('connection').description('Add, test and manage connections to Azure DevOps organizations and collections.');

  connectionOptions(
    connection
      .command('add')
      .description('Add a connection to an Azure DevOps Services organization or Server collection, then test it (unless --no-test).')
      .requiredOption('--name <name>', 'a name unique in the workspace')
      .requiredOption('--url <url>', 'any Azure DevOps URL: organization, collection, project, clone URL or pull request; its organization or collection is kept'),
  )
    .option('--no-test', 'save without running the connection test (a generated key is never tested right away)')
    .addHelpText('after', `
Examples:
  azdo-connect connection add --name prod --url https://dev.azure.com/fabrikam --pat-file token.txt
  azdo-connect connection add --name onprem --url https://tfs.example.com/tfs/DefaultCollection --pat-env TFS_PAT --ca-file corp-ca.pem
  azdo-connect connection add --name ci --url https://dev.azure.com/fabrikam --generate-ssh-key --ssh-key-out ~/.ssh/azdo_ci
${ENVIRONMENT}`)
    .action(async (options: ConnectionAddOptions) => {
      const { runConnectionAdd } = await import('./commands/connection-add.js');
      await runConnectionAdd(options);
    });

  connection
    .command('list')
    .description('List the connections: kind, URL, credential, last test and credential expiry.')
    .option('--label <label>', 'only connections with this label')
    .option('--json', 'print the result as JSON')
    .action(async (options: { json?: boolean; label?: string }) => {
      const { runConnectionList } = await import('./commands/connection-list.js');
      await runConnectionList(options);
    });

  connection
    .command('show')
    .description('Show a connection. Secrets are never shown: a PAT by its fingerprint, an SSH key by its public key.')
    .argument('<connection>', 'name or id')
    .option('--json', 'print the result as JSON')
    .action(async (name: string, options: { json?: boolean }) => {
      const { runConnectionShow } = await import('./commands/connection-show.js');
      await runConnectionShow(name, options);
    });

  connection
    .command('test')
    .description('Test a connection: reachability, TLS, credential, permissions, SSH. Exit code 6 when a check fails.')
    .argument('<connection>', 'name or id')
    .option('--trust-host-key <fingerprint>', 'pin an unknown SSH host key only if it is this SHA256:... fingerprint')
    .option('-y, --yes', 'pin an unknown SSH host key without asking')
    .option('--json', 'print the report as JSON')
    .action(async (name: string, options: ConnectionTestOptions) => {
      const { runConnectionTest } = await import('./commands/connection-test.js');
      await runConnectionTest(name, options);
    });

  connectionOptions(
    connection
      .command('edit')
      .description('Change a connection. Only what is given changes; the result is validated whole, and nothing is saved if anything is wrong.')
      .argument('<connection>', 'name or id')
      .option('--name <name>', 'a new name')
      .option('--url <url>', 'a new URL'),
  )
    .option('--clear-labels', 'remove all labels')
    .option('--remove-header <name>', 'remove a custom header (repeat for more)', collect)
    .option('--clear-ca', 'remove the CA bundle')
    .option('--clear-ssh-port', 'use the default SSH port 22 again')
    .option('--clear-known-hosts', 'forget the pinned SSH host keys')
    .option('--clear-pat-expires', "forget the PAT's expiry date")
    .option('--expected-version <n>', 'only save if the connection is still at this version (see show --json)', positive)
    .option('--test', 'test the connection after saving')
    .addHelpText('after', ENVIRONMENT)
    .action(async (name: string, options: ConnectionEditOptions) => {
      const { runConnectionEdit } = await import('./commands/connection-edit.js');
      await runConnectionEdit(name, options);
    });

  connection
    .command('remove')
    .description('Remove a connection and its stored secrets. Says what will stop working and asks first (--yes for scripts).')
    .argument('<connection>', 'name or id')
    .option('-y, --yes', 'remove without asking (needed without a terminal)')
    .option('--json', 'print the result as JSON')
    .action(async (name: string, options: { json?: boolean; yes?: boolean }) => {
      const { runConnectionRemove } = await import('./commands/connection-remove.js');
      await runConnectionRemove(name, options);
    });
}
